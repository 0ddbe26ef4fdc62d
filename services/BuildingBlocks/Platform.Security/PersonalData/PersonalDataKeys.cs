using System.Security.Cryptography;

namespace Platform.Security.PersonalData;

/// <summary>Creates keys for <see cref="PersonalDataOptions"/> (<c>./platform</c> uses it for development keys).</summary>
public static class PersonalDataKeys
{
    /// <summary>A new random 32-byte key, base64-encoded: fits <see cref="PersonalDataOptions.Keys"/> and <see cref="PersonalDataOptions.IndexKey"/>.</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(PersonalDataOptions.KeySize));
}
