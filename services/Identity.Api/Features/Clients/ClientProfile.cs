using System.Collections.Immutable;
using System.Text.Json;
using Identity.Api.Extensions;

namespace Identity.Api.Features.Clients;

/// <summary>
/// What a client's own tokens carry (role, region, grants) and whether it may narrow them, kept in its OpenIddict
/// application's properties so that the database, not one replica's configuration, says what a client is.
/// </summary>
public sealed record ClientProfile(string? Role, string Region, IReadOnlyList<string> Grants, bool MayNarrow)
{
    private const string RoleKey = "platform.role";
    private const string RegionKey = "platform.region";
    private const string GrantsKey = "platform.grants";
    private const string MayNarrowKey = "platform.may_narrow";

    public static ClientProfile From(ClientRegistration registration) =>
        new(registration.Role, registration.Region, registration.GrantList, registration.MayNarrow);

    public void WriteTo(IDictionary<string, JsonElement> properties)
    {
        properties[RoleKey] = JsonSerializer.SerializeToElement(Role);
        properties[RegionKey] = JsonSerializer.SerializeToElement(Region);
        properties[GrantsKey] = JsonSerializer.SerializeToElement(Grants);
        properties[MayNarrowKey] = JsonSerializer.SerializeToElement(MayNarrow);
    }

    public static ClientProfile ReadFrom(ImmutableDictionary<string, JsonElement> properties) => new(
        properties.TryGetValue(RoleKey, out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null,
        properties.TryGetValue(RegionKey, out var region) && region.ValueKind == JsonValueKind.String ? region.GetString() ?? string.Empty : string.Empty,
        properties.TryGetValue(GrantsKey, out var grants) && grants.ValueKind == JsonValueKind.Array
            ? [.. grants.EnumerateArray().Select(g => g.GetString() ?? string.Empty)]
            : [],
        properties.TryGetValue(MayNarrowKey, out var narrow) && narrow.ValueKind == JsonValueKind.True);
}
