namespace Identity.Api.Domain;

/// <summary>
/// One RSA key of the token server, its private part encrypted at rest with the platform's personal-data key.
/// A key is published (JWKS) from <see cref="CreatedAt"/>, used from <see cref="ActiveFrom"/>, and dropped once its
/// successor has been in use longer than any token it signed can live; <see cref="KeyRotationPolicy"/> decides.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The JWK <c>kid</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary><see cref="KeyUses.Signing"/> (tokens' signatures) or <see cref="KeyUses.Encryption"/> (codes and refresh tokens).</summary>
    public string Use { get; set; } = string.Empty;

    /// <summary>The PKCS#8 private key, encrypted (PersonalDataProtector).</summary>
    public byte[] ProtectedKey { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ActiveFrom { get; set; }
}

public static class KeyUses
{
    public const string Signing = "sig";
    public const string Encryption = "enc";
}
