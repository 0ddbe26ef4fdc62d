using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Grpc.Server;
using Platform.Security;
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
        var householdId = GrpcFields.Guid(request.HouseholdId, "household_id");
        var household = await Features.Pairings.HouseholdHelpers.GetAsync(dataSource, context.GetRegionScope(), householdId, context.CancellationToken);
        var message = new HouseholdHelpers { HouseholdId = household.HouseholdId.ToString(), VillageCode = household.VillageCode };
        message.Helpers.AddRange(household.Helpers.Select(h => new Helper
        {
            PairingId = h.PairingId.ToString(), CadreId = h.CadreId.ToString(), CadreName = h.CadreName, UnitCode = h.UnitCode, Role = h.Role,
            StartsOn = GrpcFields.Format(h.StartsOn),
        }));
        return message;
    }

    public override async Task<HelperHouseholds> ListHelperHouseholds(ListHelperHouseholdsRequest request, ServerCallContext context)
    {
        var cadreId = GrpcFields.Guid(request.CadreId, "cadre_id");
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
            request.After.Length == 0 ? null : request.After, request.Limit == 0 ? Features.Contacts.ContactRecords.DefaultLimit : request.Limit,
            context.CancellationToken);
        var summary = new ComplianceSummary
        {
            Month = report.Month, Households = report.Households, Contacted = report.Contacted, Visited = report.Visited, Overdue = report.OverdueHouseholds,
            Next = report.Next ?? string.Empty,
        };
        summary.OverdueHouseholds.AddRange(report.Overdue.Select(o => new Platform.Contracts.Grpc.Pairing.V1.OverdueHousehold
        {
            HouseholdId = o.HouseholdId.ToString(), HeadName = o.HeadName, VillageCode = o.VillageCode, HelperCadreId = o.HelperCadreId?.ToString() ?? string.Empty,
            HelperName = o.HelperName ?? string.Empty, UnitCode = o.UnitCode ?? string.Empty, MissingContact = o.MissingContact, MissingVisit = o.MissingVisit,
        }));
        return summary;
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
        var day = GrpcFields.Date(request.OnDate, "on_date");
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
}
