using System.Security.Claims;
using System.Text.Json;
using Assessment.Api.Domain;
using Assessment.Api.Features.Accountability;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.AnnualReview;

public sealed record ExitCheckView(Guid Id, int Year, string VillageCode, string Result, IReadOnlyList<string> Evidence, string? Note, DateOnly CheckedOn,
    string CheckedBy, DateTimeOffset CheckedAt, string? ResponsibleUnitCode, Guid? ProposalId);

public sealed record RecordExitCheckRequest(int? Year, string? VillageCode, string? Result, IReadOnlyList<string>? Evidence, string? Note);

/// <summary>
/// Acceptance checks (退出验收) of villages planned to exit: passed or failed, by whom, on the server's China date, with
/// evidence. A failed check proposes the removal (免职建议, rule <c>exit_check_failed</c>, cause key the check's id, so
/// once) of the head of the unit that answers for the village on the day of the check: the unit that dispatched its
/// first secretary, else its assisting unit (dispatch's Personnel.GetVillageForces and GetUnit, asked before the
/// transaction). A village no unit serves gets no proposal (the check says so by its empty responsibleUnitCode).
/// </summary>
public static class ExitChecks
{
    public const string Rule = "exit_check_failed";

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_exit_check")]
    [ProblemResponses(StatusCodes.Status404NotFound, "exit_plan_not_found")]
    public static async Task<Created<ExitCheckView>> RecordAsync(RecordExitCheckRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        OutboxWriter outbox, DispatchLookups dispatch, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var year = AnnualGrading.CheckYear(request.Year, errors);
        if (request.VillageCode is not { Length: 12 } || !request.VillageCode.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("villageCode", "invalid_village", "villageCode 须为12位村级区划代码"));
        }

        if (request.Result is not ("passed" or "failed"))
        {
            errors.Add(new FieldError("result", "unknown_result", "result 须为 passed（通过）或 failed（未通过）"));
        }

        if (request.Evidence is not { Count: > 0 } || request.Evidence.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(new FieldError("evidence", "required", "验收须附佐证材料"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_exit_check", "退出验收结果无效", errors).ToException();
        }

        var villageCode = request.VillageCode!;
        var today = ChinaTime.Today(clock);
        await using (var probe = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await RequirePlanAsync(probe, null, scope, year, villageCode, cancellationToken);
        }

        // Asked with no connection open; the plan is looked up again in the transaction.
        var responsible = request.Result == "failed" ? await dispatch.ResponsibleUnitAsync(villageCode, today, cancellationToken) : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var villageName = await RequirePlanAsync(connection, transaction, scope, year, villageCode, cancellationToken);
        var id = Guid.CreateVersion7();
        Guid? proposal = null;
        if (responsible is not null)
        {
            proposal = await AccountabilityProposals.ProposeAsync(transaction, outbox, new NewProposal(Rule, id.ToString(), AccountabilityKinds.RemovalProposal,
                AccountabilitySubjectKinds.UnitHead, responsible.Code, AccountabilitySubjectKinds.UnitHeadName(responsible.Name, responsible.HeadName),
                SubjectKinds.Pad(responsible.RegionCode),
                $"{year}年计划退出的{villageName}（{villageCode}）未通过退出验收，建议对{responsible.Reason}（{responsible.Name}）主要负责人{responsible.HeadName}予以免职",
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["checkId"] = id.ToString(), ["villageCode"] = villageCode, ["year"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["unitCode"] = responsible.Code,
                }), cancellationToken);
        }

        var row = await connection.QuerySingleAsync<CheckRow>(new CommandDefinition(
            """
            INSERT INTO village_exit_checks (id, year, village_code, result, evidence, note, checked_on, checked_by, responsible_unit_code, proposal_id)
            VALUES (@id, @year, @villageCode, @Result, @evidence::jsonb, @Note, @today, @actor, @unit, @proposal)
            RETURNING id, year, village_code, result, evidence::text AS evidence, note, checked_on, checked_by, checked_at, responsible_unit_code, proposal_id
            """, new
            {
                id, year, villageCode, request.Result, evidence = JsonSerializer.Serialize(request.Evidence), request.Note, today,
                actor = user.GetActor(), unit = responsible?.Code, proposal,
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/assessment/exit-checks/{id}", row.ToView());
    }

    public static async Task<Ok<IReadOnlyList<ExitCheckView>>> ListAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CheckRow>(new CommandDefinition(
            """
            SELECT id, year, village_code, result, evidence::text AS evidence, note, checked_on, checked_by, checked_at, responsible_unit_code, proposal_id
            FROM village_exit_checks WHERE year = @year AND village_code >= @From AND village_code < @To ORDER BY village_code, checked_at
            """, new { year, region.From, region.To }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<ExitCheckView>>(rows.Select(r => r.ToView()).ToList());
    }

    private static async Task<string> RequirePlanAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, int year, string villageCode,
        CancellationToken cancellationToken) =>
        (scope.Covers(villageCode)
            ? await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT village_name FROM village_exit_plans WHERE year = @year AND village_code = @villageCode", new { year, villageCode }, transaction,
                cancellationToken: cancellationToken))
            : null)
        ?? throw ApiProblems.NotFound("exit_plan_not_found", "未找到该村的退出计划").ToException($"{year}年退出计划中没有该村：{villageCode}");

    private sealed record CheckRow(Guid Id, int Year, string VillageCode, string Result, string Evidence, string? Note, DateOnly CheckedOn, string CheckedBy,
        DateTime CheckedAt, string? ResponsibleUnitCode, Guid? ProposalId)
    {
        public ExitCheckView ToView() => new(Id, Year, VillageCode, Result, JsonSerializer.Deserialize<List<string>>(Evidence) ?? [], Note, CheckedOn,
            CheckedBy, new DateTimeOffset(DateTime.SpecifyKind(CheckedAt, DateTimeKind.Utc)), ResponsibleUnitCode, ProposalId);
    }
}
