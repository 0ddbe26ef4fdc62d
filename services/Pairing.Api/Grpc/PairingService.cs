using System.Globalization;
using Dapper;
using Npgsql;
using Pairing.Api.Features.Contacts;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Grpc;
using Platform.Grpc.Server;
using Platform.Security;

namespace Pairing.Api.Grpc;

/// <summary>pairing.v1.Pairing: helpers, loads, compliance and the sixth "one", within the caller's scope.</summary>
public sealed class PairingService(NpgsqlDataSource dataSource)
{
    public async Task<HouseholdHelpers> GetHouseholdHelpers(GetHouseholdHelpersRequest request, GrpcServerCallContext context)
    {
        var id = ParseId(request.HouseholdId, "household_id");
        var scope = Scope(context);
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var village = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT village_code FROM households WHERE id = @id AND village_code >= @From AND village_code < @To",
            new { id, scope.From, scope.To }, cancellationToken: context.CancellationToken))
            ?? throw new GrpcException(StatusCode.NotFound, "未找到该户");
        var helpers = await connection.QueryAsync<(Guid Id, Guid CadreId, string CadreName, string UnitCode, string Role, DateTime StartsOn)>(new CommandDefinition(
            $"""
            SELECT id, cadre_id, cadre_name, unit_code, role, starts_on FROM pairings
            WHERE household_id = @id AND {Active} ORDER BY role DESC, starts_on
            """, new { id, today = ChinaTime.Today() }, cancellationToken: context.CancellationToken));
        var message = new HouseholdHelpers { HouseholdId = id.ToString(), VillageCode = village };
        message.Helpers.AddRange(helpers.Select(h => new Helper
        {
            PairingId = h.Id.ToString(), CadreId = h.CadreId.ToString(), CadreName = h.CadreName, UnitCode = h.UnitCode, Role = h.Role,
            StartsOn = h.StartsOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }));
        return message;
    }

    public async Task<HelperHouseholds> ListHelperHouseholds(ListHelperHouseholdsRequest request, GrpcServerCallContext context)
    {
        var cadre = ParseId(request.CadreId, "cadre_id");
        var scope = Scope(context);
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, string VillageCode, string HeadName, string Role)>(new CommandDefinition(
            $"""
            SELECT h.id, h.village_code, h.head_name, p.role FROM pairings p JOIN households h ON h.id = p.household_id
            WHERE p.cadre_id = @cadre AND {Active} AND h.village_code >= @From AND h.village_code < @To ORDER BY h.village_code, h.id
            """, new { cadre, today = ChinaTime.Today(), scope.From, scope.To }, cancellationToken: context.CancellationToken));
        var message = new HelperHouseholds { CadreId = cadre.ToString() };
        message.Households.AddRange(rows.Select(r => new HelperHousehold { HouseholdId = r.Id.ToString(), VillageCode = r.VillageCode, HeadName = r.HeadName, Role = r.Role }));
        return message;
    }

    public async Task<ComplianceSummary> GetCompliance(GetComplianceRequest request, GrpcServerCallContext context)
    {
        var report = GrpcResults.Unwrap<ComplianceReport>((await ContactRecords.ComplianceAsync(
            context.HttpContext, dataSource, context.CancellationToken, request.Month, request.Prefix)).Result);
        return new ComplianceSummary
        {
            Month = report.Month, Households = report.Households, Contacted = report.Contacted, Visited = report.Visited, Overdue = report.Overdue.Count,
        };
    }

    public async Task ListVillageHelperCoverage(ListVillageHelperCoverageRequest request, IServerStreamWriter<VillageHelperCoverage> responses, GrpcServerCallContext context)
    {
        if (!RegionScope.TryParse(request.Prefix, out var requested))
        {
            throw GrpcException.InvalidArgument("prefix", "prefix 必须是0到12位数字");
        }

        var scope = Scope(context).Narrow(requested) ?? throw new GrpcException(StatusCode.PermissionDenied, $"区划 {request.Prefix} 超出您的管辖范围");
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var rows = await connection.QueryAsync<(string VillageCode, int Households, int WithHelper)>(new CommandDefinition(
            $"""
            SELECT h.village_code, count(*)::int,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.role = 'responsible' AND {Active}))::int
            FROM households h WHERE h.village_code >= @From AND h.village_code < @To
            GROUP BY h.village_code ORDER BY h.village_code
            """, new { scope.From, scope.To, today = ChinaTime.Today() }, cancellationToken: context.CancellationToken));
        foreach (var row in rows)
        {
            await responses.WriteAsync(new VillageHelperCoverage { VillageCode = row.VillageCode, Households = row.Households, WithHelper = row.WithHelper },
                context.CancellationToken);
        }
    }

    public async Task ListUncontactedHouseholds(ListUncontactedHouseholdsRequest request, IServerStreamWriter<UncontactedHousehold> responses,
        GrpcServerCallContext context)
    {
        if (!RegionScope.TryParse(request.Prefix, out var requested))
        {
            throw GrpcException.InvalidArgument("prefix", "prefix 必须是0到12位数字");
        }

        var day = ChinaTime.Today();
        if (request.OnDate.Length > 0 && !DateOnly.TryParseExact(request.OnDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            throw GrpcException.InvalidArgument("on_date", "on_date 应为 yyyy-MM-dd");
        }

        var scope = Scope(context).Narrow(requested) ?? throw new GrpcException(StatusCode.PermissionDenied, $"区划 {request.Prefix} 超出您的管辖范围");
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, string VillageCode, string HeadName, Guid CadreId, string CadreName, string UnitCode)>(new CommandDefinition(
            """
            SELECT h.id, h.village_code, h.head_name, p.cadre_id, p.cadre_name, p.unit_code
            FROM households h JOIN pairings p ON p.household_id = h.id AND p.role = 'responsible'
                 AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)
            WHERE h.village_code >= @From AND h.village_code < @To
              AND NOT EXISTS (SELECT 1 FROM contact_records c WHERE c.household_id = h.id AND c.contacted_on BETWEEN @monthStart AND @today)
            ORDER BY p.cadre_id, h.village_code, h.id
            """, new { scope.From, scope.To, today = day, monthStart = new DateOnly(day.Year, day.Month, 1) }, cancellationToken: context.CancellationToken));
        foreach (var row in rows)
        {
            await responses.WriteAsync(new UncontactedHousehold
            {
                HouseholdId = row.Id.ToString(), VillageCode = row.VillageCode, HeadName = row.HeadName, HelperCadreId = row.CadreId.ToString(),
                HelperName = row.CadreName, UnitCode = row.UnitCode,
            }, context.CancellationToken);
        }
    }

    private const string Active = "starts_on <= @today AND (ends_on IS NULL OR ends_on >= @today)";


    private static RegionScope Scope(GrpcServerCallContext context) =>
        context.User.GetRegionScope() ?? throw new GrpcException(StatusCode.PermissionDenied, "令牌缺少区域范围");

    private static Guid ParseId(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw GrpcException.InvalidArgument(field, $"{field} 应为 GUID");
}
