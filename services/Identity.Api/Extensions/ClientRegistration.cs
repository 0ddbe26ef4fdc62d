using Identity.Api.Domain;
using Platform.Security;

namespace Identity.Api.Extensions;

/// <summary>
/// One client of the token server, from configuration (<c>Identity:Clients:N</c>): a confidential client (with a secret)
/// uses client credentials and carries <see cref="Role"/>, <see cref="Region"/> and <see cref="Grants"/> in its tokens; a
/// client with redirect addresses signs people in (code + PKCE; public when it has no secret).
/// </summary>
public sealed class ClientRegistration
{
    public string ClientId { get; set; } = string.Empty;

    public string? ClientSecret { get; set; }

    public string DisplayName { get; set; } = string.Empty;

    public string? Role { get; set; }

    public string Region { get; set; } = string.Empty;

    /// <summary>Comma-separated (<see cref="Platform.Security.Grants"/>).</summary>
    public string Grants { get; set; } = string.Empty;

    /// <summary>The client may ask for a token narrowed to a lower role or a smaller region (scripts, the CLI).</summary>
    public bool MayNarrow { get; set; }

    /// <summary>Comma-separated absolute addresses.</summary>
    public string RedirectUris { get; set; } = string.Empty;

    public string PostLogoutRedirectUris { get; set; } = string.Empty;

    public TimeSpan? AccessTokenLifetime { get; set; }

    public bool IsConfidential => !string.IsNullOrEmpty(ClientSecret);

    public IReadOnlyList<string> GrantList => Split(Grants);

    public IReadOnlyList<string> RedirectUriList => Split(RedirectUris);

    public IReadOnlyList<string> PostLogoutRedirectUriList => Split(PostLogoutRedirectUris);

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "ClientId is required.";
        }

        if (IsConfidential)
        {
            if (ClientSecret!.Length < 16)
            {
                yield return "ClientSecret must be at least 16 characters.";
            }

            if (Role is null || !Roles.All.Contains(Role))
            {
                yield return $"Role must be one of {string.Join(", ", Roles.All)} for a client with a secret.";
            }
            else if (AccountGrantRule.Refusal(new Grantor([Roles.Province], RegionScope.Everything, [Platform.Security.Grants.Nationwide, Platform.Security.Grants.Write]),
                         [Role], Region, GrantList) is { } refusal)
            {
                yield return $"Role, Region and Grants do not make a platform token ({refusal}).";
            }
        }
        else if (RedirectUriList.Count == 0)
        {
            yield return "A client without a secret signs people in: it needs RedirectUris.";
        }

        foreach (var uri in RedirectUriList.Concat(PostLogoutRedirectUriList).Where(u => !Uri.TryCreate(u, UriKind.Absolute, out _)))
        {
            yield return $"'{uri}' is not an absolute address.";
        }
    }

    private static List<string> Split(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
