using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Security.PersonalData;

/// <summary>
/// Encrypts personal data (citizen ID numbers, phone numbers) for storage, so that a leaked database dump does not
/// expose them (domain.md §1). Thread-safe; register it as a singleton (<see cref="PersonalDataExtensions.AddPersonalDataProtection"/>).
/// <para>
/// A protected value is AES-256-GCM with a random 12-byte nonce, a 16-byte tag and the key id as associated data:
/// <c>version (1 byte, = 1) | key-id length (1 byte) | key id (UTF-8) | nonce (12) | tag (16) | ciphertext</c>.
/// The key id travels with the value, so values protected before <see cref="PersonalDataOptions.CurrentKeyId"/>
/// changed stay readable as long as their key stays in <see cref="PersonalDataOptions.Keys"/>.
/// </para>
/// <para>
/// Encryption is randomised (the same value never gives the same bytes twice), so the database cannot compare
/// protected values: store a <see cref="BlindIndex"/> next to them for uniqueness and look-ups.
/// </para>
/// </summary>
public sealed class PersonalDataProtector
{
    public const byte FormatVersion = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    private const int HeaderSize = 2;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly byte[] _currentKey;
    private readonly byte[] _currentKeyIdBytes;
    private readonly byte[] _indexKey;

    public PersonalDataProtector(IOptions<PersonalDataOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var failures = value.Validate(new ValidationContext(value)).Select(r => r.ErrorMessage ?? "Invalid PersonalData settings.").ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PersonalDataOptions), failures);
        }

        _keys = value.Keys.ToDictionary(k => k.Key, k => PersonalDataOptions.DecodeBase64(k.Value)!, StringComparer.Ordinal);
        CurrentKeyId = value.CurrentKeyId;
        _currentKey = _keys[CurrentKeyId];
        _currentKeyIdBytes = Encoding.UTF8.GetBytes(CurrentKeyId);
        _indexKey = PersonalDataOptions.DecodeBase64(value.IndexKey)!;
    }

    /// <summary>The id of the key <see cref="Protect"/> uses; a re-encryption job rewrites values whose <see cref="KeyIdOf"/> differs.</summary>
    public string CurrentKeyId { get; }

    /// <summary>Encrypts <paramref name="clear"/> (UTF-8) with the current key.</summary>
    public byte[] Protect(string clear)
    {
        ArgumentNullException.ThrowIfNull(clear);
        var plaintext = Encoding.UTF8.GetBytes(clear);
        try
        {
            var idLength = _currentKeyIdBytes.Length;
            var result = new byte[HeaderSize + idLength + NonceSize + TagSize + plaintext.Length];
            result[0] = FormatVersion;
            result[1] = (byte)idLength;
            _currentKeyIdBytes.CopyTo(result, HeaderSize);

            var body = result.AsSpan(HeaderSize + idLength);
            var nonce = body[..NonceSize];
            var tag = body.Slice(NonceSize, TagSize);
            var ciphertext = body[(NonceSize + TagSize)..];
            RandomNumberGenerator.Fill(nonce);

            using var aes = new AesGcm(_currentKey, TagSize);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, _currentKeyIdBytes);
            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Decrypts a value of <see cref="Protect"/> with the key named in it.</summary>
    /// <exception cref="CryptographicException">Malformed value, unknown key id, or a value that was altered.</exception>
    public string Unprotect(byte[] protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        var keyId = ParseKeyId(protectedValue);
        ReadOnlySpan<byte> keyIdBytes = protectedValue.AsSpan(HeaderSize, protectedValue[1]);
        ReadOnlySpan<byte> body = protectedValue.AsSpan(HeaderSize + keyIdBytes.Length);
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException(
                $"Personal data was protected with key '{keyId}', which is not in PersonalData:Keys; restore that key to read it.");
        }

        if (body.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Not a protected personal data value: it is too short.");
        }

        var nonce = body[..NonceSize];
        var tag = body.Slice(NonceSize, TagSize);
        var ciphertext = body[(NonceSize + TagSize)..];
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, keyIdBytes);
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                $"Personal data protected with key '{keyId}' failed authentication: the value was altered or does not belong to this key.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The id of the key that protected the value (without decrypting it).</summary>
    /// <exception cref="CryptographicException">Not a protected value.</exception>
    public string KeyIdOf(byte[] protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        return ParseKeyId(protectedValue);
    }

    /// <summary>
    /// HMAC-SHA256 of the UTF-8 bytes of <paramref name="normalized"/> with <see cref="PersonalDataOptions.IndexKey"/>; 32 bytes.
    /// The same value always gives the same index, so the database can enforce uniqueness and find a person by ID
    /// number without storing it in clear. Because it compares exact strings, apply it only to normalised values
    /// (<see cref="CitizenId.Normalize"/>, <see cref="PhoneNumber.Normalize"/>): <c>...002x</c> and <c>...002X</c> would
    /// otherwise index differently. ID and phone numbers have few possible values, so anyone holding the index key can
    /// recover them by trying them all: keep the index key as secret as the encryption keys.
    /// </summary>
    public byte[] BlindIndex(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        return HMACSHA256.HashData(_indexKey, Encoding.UTF8.GetBytes(normalized));
    }

    private static string ParseKeyId(byte[] protectedValue)
    {
        if (protectedValue.Length < HeaderSize)
        {
            throw new CryptographicException("Not a protected personal data value: it is too short.");
        }

        if (protectedValue[0] != FormatVersion)
        {
            throw new CryptographicException($"Unknown personal data format version {protectedValue[0]} (expected {FormatVersion}).");
        }

        var idLength = protectedValue[1];
        if (idLength == 0 || protectedValue.Length < HeaderSize + idLength)
        {
            throw new CryptographicException("Not a protected personal data value: the key id is missing or truncated.");
        }

        return Encoding.UTF8.GetString(protectedValue, HeaderSize, idLength);
    }
}
