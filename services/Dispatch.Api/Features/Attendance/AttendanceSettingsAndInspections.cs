using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Attendance;

public sealed record AttendanceSettingsBody(bool? CheckInEnabled, int? RadiusMeters, int? MinimumDays);

public sealed record AttendanceSettingsDto(string CountyCode, bool CheckInEnabled, int RadiusMeters, int MinimumDays);

public sealed record InspectionBody(string? VillageCode, Guid? CadreId, DateOnly? InspectedOn, bool? Present, string? Findings);

public sealed record InspectionDto(Guid Id, string VillageCode, Guid? CadreId, DateOnly InspectedOn, bool Present, string Findings, string RecordedBy);

/// <summary>Per-county attendance settings (check-in on or off, radius, monthly minimum) and unannounced inspections (不打招呼).</summary>
public static class AttendanceSettingsAndInspections
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_attendance_settings")]
    [ProblemResponses(StatusCodes.Status404NotFound, "county_not_found")]
    public static async Task<Results<Ok<AttendanceSettingsDto>, ProblemHttpResult>> PutSettingsAsync(
        string countyCode, AttendanceSettingsBody body, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (DivisionCode.LevelOf(countyCode) != RegionLevel.County || !scope.Covers(countyCode))
        {
            return ApiProblems.NotFound("county_not_found", "未找到该县");
        }

        var settings = new AttendanceSettingsDto(countyCode, body.CheckInEnabled ?? true, body.RadiusMeters ?? AttendanceRules.DefaultRadiusMeters,
            body.MinimumDays ?? AttendanceRules.DefaultMinimumDays);
        var errors = new List<FieldError>();
        if (settings.RadiusMeters is < 50 or > 100_000)
        {
            errors.Add(new FieldError("radiusMeters", "out_of_range", "半径应在50到100000米之间"));
        }

        if (settings.MinimumDays is < 0 or > 31)
        {
            errors.Add(new FieldError("minimumDays", "out_of_range", "每月最少在村天数应在0到31之间"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_attendance_settings", "考勤设置无效", errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO attendance_settings (county_code, check_in_enabled, radius_meters, minimum_days, updated_by)
            VALUES (@CountyCode, @CheckInEnabled, @RadiusMeters, @MinimumDays, @actor)
            ON CONFLICT (county_code) DO UPDATE SET check_in_enabled = EXCLUDED.check_in_enabled, radius_meters = EXCLUDED.radius_meters,
                minimum_days = EXCLUDED.minimum_days, updated_by = EXCLUDED.updated_by, updated_at = now()
            """, new { settings.CountyCode, settings.CheckInEnabled, settings.RadiusMeters, settings.MinimumDays, actor = http.User.GetActor() },
            cancellationToken: cancellationToken));
        return TypedResults.Ok(settings);
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_inspection")]
    [ProblemResponses(StatusCodes.Status404NotFound, "cadre_not_found", "village_not_found")]
    public static async Task<Results<Created<InspectionDto>, ProblemHttpResult>> RecordInspectionAsync(
        InspectionBody body, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var village = body.VillageCode?.Trim() ?? string.Empty;
        if (DivisionCode.LevelOf(village) != RegionLevel.Village)
        {
            errors.Add(new FieldError("villageCode", "invalid_division_code", "villageCode 应为村级12位区划代码"));
        }

        // An inspection checks whether one resident cadre is at post: without the cadre, "present" means nothing.
        if (body.CadreId is null || body.CadreId == Guid.Empty)
        {
            errors.Add(new FieldError("cadreId", "required", "须填写被检查的干部 cadreId"));
        }

        if (body.InspectedOn is null || body.Present is null)
        {
            errors.Add(new FieldError(body.InspectedOn is null ? "inspectedOn" : "present", "required", "须填写检查日期和是否在岗"));
        }

        var findings = body.Findings?.Trim() ?? string.Empty;
        if (findings.Length is 0 or > 4000)
        {
            errors.Add(new FieldError("findings", "required", "须填写检查情况（不超过4000字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_inspection", "检查记录无效", errors);
        }

        if (!scope.Covers(village))
        {
            throw Regions.GetVillage.VillageNotFound(village);
        }

        var dto = new InspectionDto(Guid.CreateVersion7(), village, body.CadreId, body.InspectedOn!.Value, body.Present!.Value, findings, http.User.GetActor());
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM regions WHERE code = @village AND level = 5)", new { village }, cancellationToken: cancellationToken)))
        {
            throw Regions.GetVillage.VillageNotFound(village);
        }

        // The inspected cadre is one the caller may name: of a unit in the scope, or serving in the inspected village on
        // that day (a city unit's cadre posted into a county village). Anyone else is missing, as an unknown id is.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var cadre = await connection.QuerySingleOrDefaultAsync<(string Name, string UnitCode, string? Force)?>(new CommandDefinition(
            """
            SELECT c.name, u.code AS unit_code,
                   (SELECT a.force FROM assignments a WHERE a.cadre_id = c.id AND a.village_code = @village
                      AND a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day) ORDER BY a.starts_on DESC LIMIT 1) AS force
            FROM cadres c JOIN assisting_units u ON u.id = c.unit_id
            WHERE c.id = @cadre
              AND ((c.region_code >= @From AND c.region_code < @To)
                   OR EXISTS (SELECT 1 FROM assignments WHERE cadre_id = @cadre AND village_code = @village
                              AND starts_on <= @day AND (ends_on IS NULL OR ends_on >= @day)))
            """, new { cadre = body.CadreId, village, day = dto.InspectedOn, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        if (cadre is not { } inspected)
        {
            throw Cadres.QueryCadres.CadreNotFound();
        }

        var recordedAt = DateTimeOffset.UtcNow; // one instant for the row and the event
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO inspections (id, village_code, cadre_id, inspected_on, present, findings, recorded_by, recorded_at)
            VALUES (@Id, @VillageCode, @CadreId, @InspectedOn, @Present, @Findings, @RecordedBy, @recordedAt)
            """, new { dto.Id, dto.VillageCode, dto.CadreId, dto.InspectedOn, dto.Present, dto.Findings, dto.RecordedBy, recordedAt }, transaction,
            cancellationToken: cancellationToken));
        // Assessment counts a cadre found absent; the event exists exactly when the inspection does.
        await outbox.EnqueueAsync(transaction, new InspectionRecorded(dto.Id, village, body.CadreId!.Value, inspected.Name, inspected.Force, inspected.UnitCode, dto.InspectedOn,
            dto.Present, dto.RecordedBy, recordedAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/inspections/{dto.Id}", dto);
    }
}
