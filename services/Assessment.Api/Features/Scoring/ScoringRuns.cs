using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.BackgroundRuns;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Scoring;

public sealed record StartScoringRequest(string? Month, string? Prefix, string? Reason);

public sealed record ScoringRunView(Guid Id, string Month, string Prefix, string Status, string Stage, int Progress, int Total, bool Provisional, int? Subjects,
    int? NewVersions, string? ProblemCode, string? Error, string? Reason, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// Scoring a month is a long operation: a run is queued (202) and scored in the background by one replica, with its
/// stage and progress to poll. Asking again while a run of the same month and region is queued or running answers that
/// run; asking after it finished scores again (the same facts give no new version).
/// </summary>
public static class ScoringRuns
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    [ProblemResponses(StatusCodes.Status404NotFound, "scoring_run_not_found")]
    public static async Task<Accepted<ScoringRunView>> StartAsync(StartScoringRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        BackgroundRunQueue<RunScoring> queue, TimeProvider clock, CancellationToken cancellationToken)
    {
        var view = await StartCoreAsync(dataSource, scope, user.GetActor(), request, clock, cancellationToken);
        queue.Wake();
        return TypedResults.Accepted($"/api/assessment/scoring-runs/{view.Id}", view);
    }

    public static async Task<ScoringRunView> StartCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, string actor, StartScoringRequest request, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var today = ChinaTime.Today(clock);
        var month = AssessmentMonth.ParseScorable(request.Month, today);
        var region = scope.NarrowOrDeny(request.Prefix);
        if (region.Prefix.Length > 6)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("prefix", "too_narrow", "考核按县及以上区划进行（prefix 至多6位）")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('assessment-run:' || @month || ':' || @Prefix))",
            new { month = month.Text, region.Prefix }, transaction, cancellationToken: cancellationToken));
        var id = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM scoring_runs WHERE month = @month AND prefix = @Prefix AND status IN ('queued', 'running') AND reason IS NOT DISTINCT FROM @reason LIMIT 1",
            new { month = month.Text, region.Prefix, reason = request.Reason }, transaction, cancellationToken: cancellationToken));
        if (id is null)
        {
            id = Guid.CreateVersion7();
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO scoring_runs (id, month, prefix, reason, status, provisional, requested_by)
                VALUES (@id, @month, @Prefix, @reason, 'queued', @provisional, @actor)
                """, new { id, month = month.Text, region.Prefix, reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason,
                    provisional = month.IsProvisional(today), actor }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return await GetCoreAsync(dataSource, RegionScope.Everything, id.Value, cancellationToken);
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "scoring_run_not_found")]
    public static async Task<Ok<ScoringRunView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, scope, id, cancellationToken));

    /// <summary>A run of a region outside the caller's scope answers as missing.</summary>
    public static async Task<ScoringRunView> GetCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            """
            SELECT id, month, prefix, status, stage, progress, total, provisional, subjects, new_versions, problem_code, error, reason, requested_by, requested_at, finished_at
            FROM scoring_runs WHERE id = @id AND starts_with(prefix, @Prefix)
            """, new { id, scope.Prefix }, cancellationToken: cancellationToken));
        return row?.ToView() ?? throw ApiProblems.NotFound("scoring_run_not_found", "未找到考核批次").ToException("未找到该考核批次");
    }

    private sealed record RunRow(Guid Id, string Month, string Prefix, string Status, string Stage, int Progress, int Total, bool Provisional, int? Subjects,
        int? NewVersions, string? ProblemCode, string? Error, string? Reason, string RequestedBy, DateTime RequestedAt, DateTime? FinishedAt)
    {
        public ScoringRunView ToView() => new(Id, Month, Prefix, Status, Stage, Progress, Total, Provisional, Subjects, NewVersions, ProblemCode, Error, Reason,
            RequestedBy, Utc(RequestedAt), FinishedAt is { } f ? Utc(f) : null);

        private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
    }
}
