using Dispatch.Api.Features.Assignments;
using Dispatch.Api.Features.Attendance;
using Dispatch.Api.Features.Cadres;
using Dispatch.Api.Features.Units;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;
using AssignmentMessage = Platform.Contracts.Grpc.Dispatch.V1.Assignment;
using MissingCheckInsMessage = Platform.Contracts.Grpc.Dispatch.V1.MissingCheckIns;
using MonthlyAttendanceMessage = Platform.Contracts.Grpc.Dispatch.V1.MonthlyAttendance;
using VillageForcesMessage = Platform.Contracts.Grpc.Dispatch.V1.VillageForces;

namespace Dispatch.Api.Grpc;

/// <summary>
/// dispatch.v1.Personnel: what other services ask of dispatch. Each method adapts the same feature core as its REST
/// endpoint, so scope and validation are the same on both doors; citizen IDs are always masked here.
/// </summary>
[RegionScoped]
public sealed class PersonnelService(NpgsqlDataSource dataSource) : Personnel.PersonnelBase
{
    /// <summary>Units fetched per database round trip while streaming.</summary>
    private const int StreamBatch = 1000;

    public override async Task<Cadre> GetCadre(GetCadreRequest request, ServerCallContext context) =>
        ToMessage(await QueryCadres.GetInScopeAsync(dataSource, context.GetRegionScope(), GrpcFields.Guid(request.CadreId, "cadre_id"), context.CancellationToken));

    public override async Task<Cadres> GetCadres(GetCadresRequest request, ServerCallContext context)
    {
        var ids = request.CadreIds.Select(id => GrpcFields.Guid(id, "cadre_ids")).ToArray();
        var message = new Cadres();
        message.Cadres_.AddRange((await QueryCadres.GetManyInScopeAsync(dataSource, context.GetRegionScope(), ids, context.CancellationToken)).Select(ToMessage));
        return message;
    }

    private static Cadre ToMessage(QueryCadres.CadreRecord cadre)
    {
        var message = new Cadre
        {
            Id = cadre.Id.ToString(),
            Name = cadre.Name,
            CitizenIdMasked = cadre.CitizenIdMasked,
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

    public override async Task<Unit> GetUnit(GetUnitRequest request, ServerCallContext context)
    {
        var unit = await QueryUnits.GetInScopeAsync(dataSource, context.GetRegionScope(), request.Code, context.CancellationToken);
        return ToMessage(unit);
    }

    private static Unit ToMessage(UnitDto unit) =>
        new() { Code = unit.Code, Name = unit.Name, Level = unit.Level, RegionCode = unit.RegionCode, StaffCount = unit.StaffCount, Cadres = unit.Cadres,
            HeadName = unit.HeadName ?? string.Empty };

    public override async Task ListUnits(ListUnitsRequest request, IServerStreamWriter<Unit> responseStream, ServerCallContext context)
    {
        if (request.Limit < 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "out_of_range", "limit 不能为负数")]).ToException();
        }

        var remaining = request.Limit == 0 ? int.MaxValue : request.Limit;
        string? after = request.AfterCode.Length > 0 ? request.AfterCode : null;
        while (remaining > 0)
        {
            var page = await QueryUnits.ListCoreAsync(dataSource, context.GetRegionScope(), request.Prefix, after, Math.Min(StreamBatch, remaining), context.CancellationToken);
            foreach (var unit in page.Items)
            {
                await responseStream.WriteAsync(ToMessage(unit), context.CancellationToken);
            }

            if (page.Next is null)
            {
                return;
            }

            remaining -= page.Items.Count;
            after = page.Next;
        }
    }

    public override async Task<VillageForcesMessage> GetVillageForces(GetVillageForcesRequest request, ServerCallContext context)
    {
        var day = GrpcFields.Date(request.OnDate, "on_date") ?? ChinaTime.Today();
        var forces = await Features.Assignments.VillageForces.GetAsync(dataSource, context.GetRegionScope(), request.VillageCode, day, context.CancellationToken);
        var message = new VillageForcesMessage { VillageCode = forces.VillageCode, OnDate = GrpcFields.Format(forces.On) };
        message.Active.AddRange(forces.Active.Select(ToMessage));
        message.Missing.AddRange(forces.Missing);
        return message;
    }

    public override async Task<CadrePost> GetCadrePost(GetCadrePostRequest request, ServerCallContext context)
    {
        var id = GrpcFields.Guid(request.CadreId, "cadre_id");
        var day = GrpcFields.Date(request.OnDate, "on_date") ?? ChinaTime.Today();
        var post = await CadrePosts.FindResidentPostAsync(dataSource, context.GetRegionScope(), id, day, context.CancellationToken);
        return post is null ? new CadrePost { HasPost = false } : new CadrePost { HasPost = true, Assignment = ToMessage(post) };
    }

    public override async Task<MonthlyAttendanceMessage> GetMonthlyAttendance(GetMonthlyAttendanceRequest request, ServerCallContext context)
    {
        var report = await Features.Attendance.MonthlyAttendance.ComputeAsync(dataSource, context.GetRegionScope(), request.Month, request.Prefix,
            request.After.Length == 0 ? null : request.After, request.Limit == 0 ? Features.Attendance.MonthlyAttendance.DefaultLimit : request.Limit,
            context.CancellationToken);
        var message = new MonthlyAttendanceMessage { Month = report.Month, Below = report.Below, CadresTotal = report.Cadres, Next = report.Next ?? string.Empty };
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
            LateCheckIns = i.LateCheckIns,
            DailyLogDays = { i.DailyLogDays.Select(GrpcFields.Format) },
        }));
        return message;
    }

    public override async Task<MissingCheckInsMessage> ListMissingCheckIns(ListMissingCheckInsRequest request, ServerCallContext context)
    {
        var day = GrpcFields.Date(request.OnDate, "on_date") ?? ChinaTime.Today();
        var cadres = await Features.Attendance.MissingCheckIns.ListAsync(dataSource, context.GetRegionScope(), request.Prefix, day, context.CancellationToken);
        var message = new MissingCheckInsMessage { OnDate = GrpcFields.Format(day) };
        message.Cadres.AddRange(cadres.Select(c => new Platform.Contracts.Grpc.Dispatch.V1.MissingCheckIn
        {
            CadreId = c.CadreId.ToString(), CadreName = c.CadreName, VillageCode = c.VillageCode, Force = c.Force,
        }));
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
        StartsOn = GrpcFields.Format(a.StartsOn),
        EndsOn = a.EndsOn is { } end ? GrpcFields.Format(end) : string.Empty,
    };
}
