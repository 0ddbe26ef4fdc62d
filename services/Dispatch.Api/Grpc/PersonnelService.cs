using System.Globalization;
using Dapper;
using Dispatch.Api.Features.Assignments;
using Dispatch.Api.Features.Attendance;
using Dispatch.Api.Features.Cadres;
using Dispatch.Api.Features.Units;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.Security.PersonalData;
using AssignmentMessage = Platform.Contracts.Grpc.Dispatch.V1.Assignment;
using MonthlyAttendance = Platform.Contracts.Grpc.Dispatch.V1.MonthlyAttendance;
using VillageForces = Platform.Contracts.Grpc.Dispatch.V1.VillageForces;

namespace Dispatch.Api.Grpc;

/// <summary>
/// dispatch.v1.Personnel: what other services ask of dispatch. Each method reuses the REST feature's handler, so the
/// rules (scope, validation) are the same on both doors; citizen IDs are always masked here.
/// </summary>
public sealed class PersonnelService(NpgsqlDataSource dataSource, PersonalDataProtector protector)
{
    public async Task<Cadre> GetCadre(GetCadreRequest request, GrpcServerCallContext context)
    {
        if (!Guid.TryParse(request.CadreId, out var id))
        {
            throw GrpcException.InvalidArgument("cadre_id", "cadre_id 应为 GUID");
        }

        var cadre = GrpcResults.Unwrap<CadreDto>((await QueryCadres.GetAsync(id, context.HttpContext, dataSource, protector, context.CancellationToken)).Result);
        var message = new Cadre
        {
            Id = cadre.Id.ToString(),
            Name = cadre.Name,
            CitizenIdMasked = CitizenId.Mask(cadre.CitizenId),
            UnitCode = cadre.UnitCode,
            UnitName = cadre.UnitName,
            RegionCode = cadre.RegionCode,
            Rank = cadre.Rank,
            RuralExperience = cadre.RuralExperience,
            Willingness = cadre.Willingness,
        };
        message.Skills.AddRange(cadre.Skills);
        return message;
    }

    public async Task<Unit> GetUnit(GetUnitRequest request, GrpcServerCallContext context)
    {
        var unit = GrpcResults.Unwrap<UnitDto>((await QueryUnits.GetAsync(request.Code, context.HttpContext, dataSource, context.CancellationToken)).Result);
        return new Unit { Code = unit.Code, Name = unit.Name, Level = unit.Level, RegionCode = unit.RegionCode, StaffCount = unit.StaffCount, Cadres = unit.Cadres };
    }

    public async Task<VillageForces> GetVillageForces(GetVillageForcesRequest request, GrpcServerCallContext context)
    {
        var forces = GrpcResults.Unwrap<VillageForcesDto>((await Features.Assignments.VillageForces.HandleAsync(
            request.VillageCode, context.HttpContext, dataSource, context.CancellationToken, ParseDate(request.OnDate, "on_date"))).Result);
        var message = new VillageForces { VillageCode = forces.VillageCode, OnDate = Format(forces.On) };
        message.Active.AddRange(forces.Active.Select(ToMessage));
        message.Missing.AddRange(forces.Missing);
        return message;
    }

    public async Task<CadrePost> GetCadrePost(GetCadrePostRequest request, GrpcServerCallContext context)
    {
        if (!Guid.TryParse(request.CadreId, out var id))
        {
            throw GrpcException.InvalidArgument("cadre_id", "cadre_id 应为 GUID");
        }

        var day = ParseDate(request.OnDate, "on_date") ?? ChinaTime.Today();
        var scope = context.User.GetRegionScope() ?? throw new GrpcException(StatusCode.PermissionDenied, "令牌缺少区域范围");
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var post = await connection.QuerySingleOrDefaultAsync<AssignmentRecord>(new CommandDefinition(
            $"""
            {AssignmentRecord.Select}
            WHERE a.cadre_id = @id AND a.force IN ('first_secretary', 'team_leader', 'team_member')
              AND a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day)
              AND a.village_code >= @From AND a.village_code < @To
            """, new { id, day, scope.From, scope.To }, cancellationToken: context.CancellationToken));
        return post is null ? new CadrePost { HasPost = false } : new CadrePost { HasPost = true, Assignment = ToMessage(post.ToDto()) };
    }

    public async Task<MonthlyAttendance> GetMonthlyAttendance(GetMonthlyAttendanceRequest request, GrpcServerCallContext context)
    {
        var report = GrpcResults.Unwrap<MonthlyAttendanceReport>((await Features.Attendance.MonthlyAttendance.HandleAsync(
            context.HttpContext, dataSource, context.CancellationToken, request.Month, request.Prefix)).Result);
        var message = new MonthlyAttendance { Month = report.Month, Below = report.Below };
        message.Cadres.AddRange(report.Items.Select(i => new Platform.Contracts.Grpc.Dispatch.V1.CadreMonth
        {
            CadreId = i.CadreId.ToString(),
            CadreName = i.CadreName,
            VillageCode = i.VillageCode,
            Force = i.Force,
            OnPostDays = i.OnPostDays,
            OffPostCheckIns = i.OffPostCheckIns,
            ApprovedLeaveDays = i.ApprovedLeaveDays,
            MinimumDays = i.MinimumDays,
            BelowMinimum = i.BelowMinimum,
        }));
        return message;
    }

    public async Task<MissingCheckIns> ListMissingCheckIns(ListMissingCheckInsRequest request, GrpcServerCallContext context)
    {
        if (!RegionScope.TryParse(request.Prefix, out var requested))
        {
            throw GrpcException.InvalidArgument("prefix", "prefix 应为 0-12 位数字");
        }

        var scope = (context.User.GetRegionScope() ?? throw new GrpcException(StatusCode.PermissionDenied, "令牌缺少区域范围")).Narrow(requested);
        var day = ParseDate(request.OnDate, "on_date") ?? ChinaTime.Today();
        var message = new MissingCheckIns { OnDate = Format(day) };
        if (scope is null)
        {
            return message;
        }

        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var rows = await connection.QueryAsync<(Guid CadreId, string CadreName, string VillageCode, string Force)>(new CommandDefinition(
            """
            SELECT a.cadre_id, c.name, a.village_code, a.force FROM assignments a
            JOIN cadres c ON c.id = a.cadre_id
            LEFT JOIN attendance_settings s ON s.county_code = substr(a.village_code, 1, 6) || '000000'
            WHERE a.force IN ('first_secretary', 'team_leader', 'team_member')
              AND a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day)
              AND a.village_code >= @From AND a.village_code < @To
              AND coalesce(s.check_in_enabled, true)
              AND NOT EXISTS (SELECT 1 FROM check_ins ci WHERE ci.cadre_id = a.cadre_id AND ci.day = @day)
              AND NOT EXISTS (SELECT 1 FROM leave_requests l WHERE l.cadre_id = a.cadre_id AND l.status = 'approved' AND l.starts_on <= @day AND l.ends_on >= @day)
            ORDER BY a.village_code, a.cadre_id
            """, new { day, scope.From, scope.To }, cancellationToken: context.CancellationToken));
        message.Cadres.AddRange(rows.Select(r => new MissingCheckIn { CadreId = r.CadreId.ToString(), CadreName = r.CadreName, VillageCode = r.VillageCode, Force = r.Force }));
        return message;
    }

    private static AssignmentMessage ToMessage(AssignmentDto a) => new()
    {
        Id = a.Id.ToString(),
        VillageCode = a.VillageCode,
        Force = a.Force,
        CadreId = a.CadreId?.ToString() ?? string.Empty,
        CadreName = a.CadreName ?? string.Empty,
        UnitCode = a.UnitCode,
        StartsOn = Format(a.StartsOn),
        EndsOn = a.EndsOn is { } end ? Format(end) : string.Empty,
    };

    private static DateOnly? ParseDate(string text, string field) =>
        text.Length == 0 ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw GrpcException.InvalidArgument(field, $"{field} 应为 yyyy-MM-dd");

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
