using System.Globalization;
using System.Security.Claims;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Notification.Api.Domain;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Grpc.Client;
using Platform.Security;

namespace Notification.Api.Recipients;

/// <summary>
/// Recipient addresses (docs/integration/notifications.md): <c>cadre:{cadre id}</c>, <c>unit:{unit code}</c> (the unit's
/// head), <c>org:{division-code prefix}</c> (the organisation department of that region, e.g. the county's 6 digits).
/// </summary>
public static class Address
{
    public static string Cadre(Guid id) => "cadre:" + id.ToString();

    public static string Unit(string code) => "unit:" + code;

    public static string Org(string prefix) => "org:" + prefix;

    /// <summary>The county organisation department of a division code (its first 6 digits).</summary>
    public static string CountyOrg(string divisionCode) => Org(divisionCode.Length >= 6 ? divisionCode[..6] : divisionCode);

    public static bool IsValid(string? address) =>
        address is not null && (
            (address.StartsWith("cadre:", StringComparison.Ordinal) && Guid.TryParse(address[6..], out _))
            || (address.StartsWith("unit:", StringComparison.Ordinal) && address.Length > 5)
            || (address.StartsWith("org:", StringComparison.Ordinal) && RegionScope.TryParse(address[4..], out _)));

    /// <summary>
    /// The inboxes a token reads: <c>cadre:{sub}</c> for cadres, <c>org:{region}</c> for organisation departments
    /// (province, city, county, township roles; the region is the caller's scope), <c>unit:{unit}</c> when the token
    /// carries a <c>unit</c> claim (a unit head).
    /// </summary>
    public static IReadOnlyList<string> InboxesOf(ClaimsPrincipal user, RegionScope scope)
    {
        var inboxes = new List<string>();
        var sub = user.FindFirst(PlatformClaims.Subject)?.Value;
        if (user.IsInRole(Roles.Cadre) && Guid.TryParse(sub, out var cadre))
        {
            inboxes.Add(Cadre(cadre));
        }

        if (user.IsInRole(Roles.Province) || user.IsInRole(Roles.City) || user.IsInRole(Roles.County) || user.IsInRole(Roles.Township))
        {
            inboxes.Add(Org(scope.Prefix));
        }

        if (user.FindFirst("unit")?.Value is { Length: > 0 } unit)
        {
            inboxes.Add(Unit(unit));
        }

        return inboxes;
    }
}

public sealed record CadreInfo(Guid Id, string Name, string UnitCode, string RegionCode);

/// <summary>Who is who, asked over gRPC from dispatch (cadres, units, village forces) and pairing (helpers), as the service.</summary>
public sealed class RecipientResolver(Personnel.PersonnelClient personnel, Pairing.PairingClient pairing)
{
    // The clients call as the service (its ServiceAccountToken, registered in Extensions) with the platform's default deadline
    // (Grpc:Client:DefaultDeadline); the two province-wide lists get a minute of their own.
    public async Task<CadreInfo?> GetCadreAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            var cadre = await personnel.GetCadreAsync(new GetCadreRequest { CadreId = id.ToString() }, cancellationToken: cancellationToken);
            return new CadreInfo(id, cadre.Name, cadre.UnitCode, cadre.RegionCode);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// The division code an address belongs to: an organisation department's prefix, a cadre's or a unit's region (from
    /// dispatch); null when dispatch does not know the cadre or unit. A sender may only write to addresses in its scope.
    /// </summary>
    public async Task<string?> RegionOfAsync(string address, CancellationToken cancellationToken)
    {
        if (address.StartsWith("org:", StringComparison.Ordinal))
        {
            return address[4..];
        }

        if (address.StartsWith("cadre:", StringComparison.Ordinal))
        {
            return (await GetCadreAsync(Guid.Parse(address[6..]), cancellationToken))?.RegionCode;
        }

        try
        {
            return (await personnel.GetUnitAsync(new GetUnitRequest { Code = address[5..] }, cancellationToken: cancellationToken)).RegionCode;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The village's active forces on a day (today when null), and the forces it lacks.</summary>
    public async Task<VillageForces> GetVillageForcesAsync(string villageCode, CancellationToken cancellationToken, DateOnly? onDate = null) =>
        await personnel.GetVillageForcesAsync(new GetVillageForcesRequest
        {
            VillageCode = villageCode, OnDate = onDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty,
        }, cancellationToken: cancellationToken);

    /// <summary>The village's contact county leader (联系县领导), if one is assigned.</summary>
    public async Task<(Guid Id, string Name)?> GetContactLeaderAsync(string villageCode, CancellationToken cancellationToken) =>
        (await GetVillageForcesAsync(villageCode, cancellationToken)).ContactLeader();

    /// <summary>Resident cadres on post on <paramref name="day"/> with check-in enabled and no check-in nor approved leave that day.</summary>
    public async Task<IReadOnlyList<MissingCheckIn>> ListMissingCheckInsAsync(DateOnly day, CancellationToken cancellationToken) =>
        (await personnel.ListMissingCheckInsAsync(new ListMissingCheckInsRequest
        {
            Prefix = string.Empty, OnDate = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: cancellationToken)).Cadres;

    /// <summary>Households with a responsible helper and no contact yet this month (to <paramref name="day"/>), from pairing, by helper.</summary>
    public async Task<IReadOnlyList<UncontactedHousehold>> ListUncontactedHouseholdsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var households = new List<UncontactedHousehold>();
        using var call = pairing.ListUncontactedHouseholds(new ListUncontactedHouseholdsRequest
        {
            Prefix = string.Empty, OnDate = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: cancellationToken);
        await foreach (var household in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            households.Add(household);
        }

        return households;
    }

    /// <summary>The household's responsible helper today, from pairing.</summary>
    public async Task<Guid?> GetResponsibleHelperAsync(Guid householdId, CancellationToken cancellationToken)
    {
        try
        {
            var helpers = await pairing.GetHouseholdHelpersAsync(new GetHouseholdHelpersRequest { HouseholdId = householdId.ToString() },
                cancellationToken: cancellationToken);
            return helpers.Helpers.FirstOrDefault(h => h.Role == "responsible") is { } helper && Guid.TryParse(helper.CadreId, out var id) ? id : null;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound)
        {
            return null;
        }
    }
}

public static class VillageForcesExtensions
{
    /// <summary>The contact county leader (联系县领导) among the village's active forces, if one is assigned.</summary>
    public static (Guid Id, string Name)? ContactLeader(this VillageForces forces) =>
        forces.Active.FirstOrDefault(a => a.Force == "contact_leader" && Guid.TryParse(a.CadreId, out _)) is { } leader
            ? (Guid.Parse(leader.CadreId), leader.CadreName)
            : null;

    /// <summary>The village's first secretary (第一书记) among its active forces, if one is in post.</summary>
    public static Guid? FirstSecretary(this VillageForces forces) =>
        forces.Active.FirstOrDefault(a => a.Force == "first_secretary" && Guid.TryParse(a.CadreId, out _)) is { } secretary ? Guid.Parse(secretary.CadreId) : null;
}
