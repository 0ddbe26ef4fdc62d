using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Platform.Security.PersonalData;

/// <summary>
/// Keys that protect personal data at rest (section <c>PersonalData</c>). Keep them out of the database and its
/// backups (environment, secret store): a dump is only safe while the keys are elsewhere.
/// <code>
/// "PersonalData": {
///   "Keys": { "2025-01": "&lt;base64 of 32 bytes&gt;", "2026-01": "&lt;base64 of 32 bytes&gt;" },
///   "CurrentKeyId": "2026-01",
///   "IndexKey": "&lt;base64 of at least 32 bytes&gt;"
/// }
/// </code>
/// Rotation: add a key, make it <see cref="CurrentKeyId"/>, re-encrypt old rows (see <see cref="PersonalDataProtector.KeyIdOf"/>),
/// then remove the old key. <see cref="IndexKey"/> cannot rotate this way: changing it changes every blind index.
/// </summary>
public sealed class PersonalDataOptions : IValidatableObject
{
    public const string Section = "PersonalData";

    /// <summary>AES-256 key size in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Minimum size of <see cref="IndexKey"/> in bytes.</summary>
    public const int MinIndexKeySize = 32;

    /// <summary>Key id (at most 255 UTF-8 bytes, stored in every protected value) → base64 of exactly 32 bytes.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The key that protects new values; one of <see cref="Keys"/>.</summary>
    public string CurrentKeyId { get; set; } = string.Empty;

    /// <summary>HMAC-SHA256 key of blind indexes, base64 of at least 32 bytes.</summary>
    public string IndexKey { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
        {
            yield return new ValidationResult(
                $"Set PersonalData:Keys:<id> to the base64 of a {KeySize}-byte key (./platform can generate one).", [nameof(Keys)]);
        }

        foreach (var (id, value) in Keys)
        {
            var idBytes = Encoding.UTF8.GetByteCount(id);
            if (idBytes is 0 or > 255)
            {
                yield return new ValidationResult($"PersonalData:Keys:{id}: a key id must be 1 to 255 UTF-8 bytes.", [nameof(Keys)]);
            }

            if (DecodeBase64(value) is not { Length: KeySize })
            {
                yield return new ValidationResult(
                    $"PersonalData:Keys:{id} must be the base64 of exactly {KeySize} bytes (AES-256).", [nameof(Keys)]);
            }
        }

        if (string.IsNullOrWhiteSpace(CurrentKeyId))
        {
            yield return new ValidationResult("Set PersonalData:CurrentKeyId to the id of the key that protects new values.", [nameof(CurrentKeyId)]);
        }
        else if (!Keys.ContainsKey(CurrentKeyId))
        {
            yield return new ValidationResult(
                $"PersonalData:CurrentKeyId '{CurrentKeyId}' is not one of PersonalData:Keys ({string.Join(", ", Keys.Keys.Order(StringComparer.Ordinal))}).",
                [nameof(CurrentKeyId)]);
        }

        if (DecodeBase64(IndexKey) is not { Length: >= MinIndexKeySize })
        {
            yield return new ValidationResult(
                $"PersonalData:IndexKey must be the base64 of at least {MinIndexKeySize} bytes.", [nameof(IndexKey)]);
        }
    }

    internal static byte[]? DecodeBase64(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
