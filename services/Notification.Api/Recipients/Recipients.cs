using System.Security.Claims;
using Microsoft.Extensions.Options;
using Notification.Api.Domain;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc;
using Platform.Grpc.Client;
using Platform.Grpc.Client.Dispatch;
using Platform.Grpc.Client.Pairing;
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
    /// (province, city, county, township roles), <c>unit:{unit}</c> when the token carries a <c>unit</c> claim (a unit head).
    /// </summary>
    public static IReadOnlyList<string> InboxesOf(ClaimsPrincipal user)
    {
        var inboxes = new List<string>();
        var sub = user.FindFirst(PlatformClaims.Subject)?.Value;
        if (user.IsInRole(Roles.Cadre) && Guid.TryParse(sub, out var cadre))
        {
            inboxes.Add(Cadre(cadre));
        }

        if ((user.IsInRole(Roles.Province) || user.IsInRole(Roles.City) || user.IsInRole(Roles.County) || user.IsInRole(Roles.Township))
            && user.GetRegionScope() is { } scope)
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

/// <summary>
/// The service's own token for calls made outside a request (consumers and jobs). Its times are the real clock's, not
/// the injected TimeProvider's: the receiving service checks them against its own clock.
/// </summary>
public sealed class ServiceToken(IOptions<NotificationOptions> options, IOptions<AuthOptions> auth) : IGrpcCredentials
{
    private readonly Lock gate = new();
    private string? minted;
    private DateTimeOffset mintedAt;

    public string? GetAuthorization()
    {
        if (!string.IsNullOrEmpty(options.Value.ServiceToken))
        {
            return "Bearer " + options.Value.ServiceToken;
        }

        lock (gate)
        {
            var now = TimeProvider.System.GetUtcNow();
            if (minted is null || now - mintedAt > TimeSpan.FromHours(1) || now < mintedAt)
            {
                minted = DevelopmentTokens.Create(auth.Value, "notification-service", [Roles.Province], string.Empty, TimeSpan.FromHours(2), now.UtcDateTime);
                mintedAt = now;
            }

            return "Bearer " + minted;
        }
    }
}

public sealed record CadreInfo(Guid Id, string Name, string UnitCode, string RegionCode);

/// <summary>Who is who, asked over gRPC from dispatch (cadres, units, village forces) and pairing (helpers), as the service.</summary>
public sealed class RecipientResolver(PersonnelClient personnel, PairingClient pairing)
{
    // The clients call as the service (ServiceToken, registered in Extensions); long lists get longer deadlines.
    private static readonly GrpcCallOptions LongList = new(TimeSpan.FromSeconds(60));
    private static readonly GrpcCallOptions VeryLongList = new(TimeSpan.FromSeconds(120));

    public async Task<CadreInfo?> GetCadreAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            var cadre = await personnel.GetCadre(new GetCadreRequest { CadreId = id.ToString() }, cancellationToken: cancellationToken);
            return new CadreInfo(id, cadre.Name, cadre.UnitCode, cadre.RegionCode);
        }
        catch (GrpcException ex) when (ex.Status == StatusCode.NotFound)
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
            return (await personnel.GetUnit(new GetUnitRequest { Code = address[5..] }, cancellationToken: cancellationToken)).RegionCode;
        }
        catch (GrpcException ex) when (ex.Status == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The village's active forces on a day (today when null), and the forces it lacks.</summary>
    public Task<VillageForces> GetVillageForcesAsync(string villageCode, CancellationToken cancellationToken, DateOnly? onDate = null) =>
        personnel.GetVillageForces(new GetVillageForcesRequest
        {
            VillageCode = villageCode, OnDate = onDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
        }, cancellationToken: cancellationToken);

    /// <summary>The village's contact county leader (联系县领导), if one is assigned.</summary>
    public async Task<(Guid Id, string Name)?> GetContactLeaderAsync(string villageCode, CancellationToken cancellationToken) =>
        (await GetVillageForcesAsync(villageCode, cancellationToken)).ContactLeader();

    /// <summary>Resident cadres on post on <paramref name="day"/> with check-in enabled and no check-in nor approved leave that day.</summary>
    public async Task<IReadOnlyList<MissingCheckIn>> ListMissingCheckInsAsync(DateOnly day, CancellationToken cancellationToken) =>
        (await personnel.ListMissingCheckIns(new ListMissingCheckInsRequest
        {
            Prefix = string.Empty, OnDate = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }, LongList, cancellationToken)).Cadres;

    /// <summary>Households with a responsible helper and no contact yet this month (to <paramref name="day"/>), from pairing, by helper.</summary>
    public async Task<IReadOnlyList<Platform.Contracts.Grpc.Pairing.V1.UncontactedHousehold>> ListUncontactedHouseholdsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var households = new List<Platform.Contracts.Grpc.Pairing.V1.UncontactedHousehold>();
        await foreach (var household in pairing.ListUncontactedHouseholds(new Platform.Contracts.Grpc.Pairing.V1.ListUncontactedHouseholdsRequest
        {
            Prefix = string.Empty, OnDate = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }, VeryLongList, cancellationToken))
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
            var helpers = await pairing.GetHouseholdHelpers(new Platform.Contracts.Grpc.Pairing.V1.GetHouseholdHelpersRequest { HouseholdId = householdId.ToString() },
                cancellationToken: cancellationToken);
            return helpers.Helpers.FirstOrDefault(h => h.Role == "responsible") is { } helper && Guid.TryParse(helper.CadreId, out var id) ? id : null;
        }
        catch (GrpcException ex) when (ex.Status == StatusCode.NotFound)
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
}
