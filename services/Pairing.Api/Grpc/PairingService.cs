using System.Globalization;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;
using PairingContract = Platform.Contracts.Grpc.Pairing.V1.Pairing;

namespace Pairing.Api.Grpc;

/// <summary>
/// pairing.v1.Pairing: helpers, loads, compliance and the sixth "one", within the caller's scope. Each method converts
/// messages and calls its feature's core; the cores' problems become gRPC statuses in the interceptor.
/// </summary>
[RegionScoped]
public sealed class PairingService(NpgsqlDataSource dataSource) : PairingContract.PairingBase
{
    public override async Task<HouseholdHelpers> GetHouseholdHelpers(GetHouseholdHelpersRequest request, ServerCallContext context)
    {
        var householdId = ParseId(request.HouseholdId, "household_id");
        var household = await Features.Pairings.HouseholdHelpers.GetAsync(dataSource, context.GetRegionScope(), householdId, context.CancellationToken);
        var message = new HouseholdHelpers { HouseholdId = household.HouseholdId.ToString(), VillageCode = household.VillageCode };
        message.Helpers.AddRange(household.Helpers.Select(h => new Helper
        {
            PairingId = h.PairingId.ToString(), CadreId = h.CadreId.ToString(), CadreName = h.CadreName, UnitCode = h.UnitCode, Role = h.Role,
            StartsOn = h.StartsOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }));
        return message;
    }

    public override async Task<HelperHouseholds> ListHelperHouseholds(ListHelperHouseholdsRequest request, ServerCallContext context)
    {
        var cadreId = ParseId(request.CadreId, "cadre_id");
        var households = await Features.Pairings.HelperHouseholds.ListAsync(dataSource, context.GetRegionScope(), cadreId, context.CancellationToken);
        var message = new HelperHouseholds { CadreId = cadreId.ToString() };
        message.Households.AddRange(households.Select(h => new HelperHousehold
        {
            HouseholdId = h.HouseholdId.ToString(), VillageCode = h.VillageCode, HeadName = h.HeadName, Role = h.Role,
        }));
        return message;
    }

    public override async Task<ComplianceSummary> GetCompliance(GetComplianceRequest request, ServerCallContext context)
    {
        var report = await Features.Contacts.ContactRecords.ComplianceAsync(dataSource, context.GetRegionScope(), request.Month, request.Prefix,
            context.CancellationToken);
        return new ComplianceSummary
        {
            Month = report.Month, Households = report.Households, Contacted = report.Contacted, Visited = report.Visited, Overdue = report.Overdue.Count,
        };
    }

    public override async Task ListVillageHelperCoverage(ListVillageHelperCoverageRequest request, IServerStreamWriter<VillageHelperCoverage> responseStream,
        ServerCallContext context)
    {
        var villages = await Features.Pairings.VillageHelperCoverage.ListAsync(dataSource, context.GetRegionScope(), request.Prefix, context.CancellationToken);
        foreach (var village in villages)
        {
            await responseStream.WriteAsync(new VillageHelperCoverage { VillageCode = village.VillageCode, Households = village.Households, WithHelper = village.WithHelper },
                context.CancellationToken);
        }
    }

    public override async Task ListUncontactedHouseholds(ListUncontactedHouseholdsRequest request, IServerStreamWriter<UncontactedHousehold> responseStream,
        ServerCallContext context)
    {
        DateOnly? day = null;
        if (request.OnDate.Length > 0)
        {
            day = DateOnly.TryParseExact(request.OnDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw InvalidField("on_date", "invalid_date", "on_date 应为 yyyy-MM-dd");
        }

        var households = await Features.Contacts.UncontactedHouseholds.ListAsync(dataSource, context.GetRegionScope(), request.Prefix, day, context.CancellationToken);
        foreach (var household in households)
        {
            await responseStream.WriteAsync(new UncontactedHousehold
            {
                HouseholdId = household.HouseholdId.ToString(), VillageCode = household.VillageCode, HeadName = household.HeadName,
                HelperCadreId = household.HelperCadreId.ToString(), HelperName = household.HelperName, UnitCode = household.UnitCode,
            }, context.CancellationToken);
        }
    }

    private static Guid ParseId(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw InvalidField(field, "invalid_guid", $"{field} 应为 GUID");

    /// <summary>INVALID_ARGUMENT whose message names the field first ("household_id: household_id 应为 GUID").</summary>
    private static ProblemException InvalidField(string field, string code, string message) =>
        ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError(field, code, message)]).ToException();
}
