using System.Security.Claims;
using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Budgets;
using Funds.Api.Features.Ledger;
using Funds.Api.Features.Standards;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Allocations;

public sealed record AllocateRequest(string? CountyCode, int? Year, string? Programme);

public sealed record AllocationLineView(int LineNo, Guid AccountId, string HolderKind, string HolderId, string HolderName, string VillageCode, string StandardItem,
    long TargetFen, long PreviousFen, long BookedFen, Guid? EntryId, string Explanation);

public sealed record AllocationRunView(Guid Id, string CountyCode, int Year, string Programme, DateOnly OnDate, long TotalFen, string RequestedBy,
    DateTimeOffset RequestedAt, IReadOnlyList<AllocationLineView> Lines);

/// <summary>
/// Allocation runs (经费分配): for a county's programme and year, what each holder should have from the standards in force
/// and from who serves where on the run's day (dispatch), against what the ledger shows allocated to it; the difference is
/// booked from the budget line, one explained entry per holder, all or nothing (an empty budget line refuses the run with
/// 409 insufficient_funds). The targets follow <see cref="AllocationTargets"/>, the rule the recomputations caused by
/// dispatch's events follow too (a leaver's pro-rated share, the replacement the rest, a category change from the next
/// month). Running again books only what changed, so a repeat with the same facts books nothing.
/// An allocation more than the target is not taken back by a run (the line says so); the recomputations do, as far as unspent.
/// </summary>
public static class AllocationRuns
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_allocation")]
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "insufficient_funds", "no_budget_line")]
    public static async Task<Created<AllocationRunView>> RunAsync(AllocateRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        ServingForces serving, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        FundsRequests.CheckCounty(request.CountyCode, errors);
        var today = ChinaTime.Today(clock);
        FundsRequests.CheckYear(request.Year, today, errors);
        var programme = FundsRequests.CheckProgramme(request.Programme, errors);
        if (programme?.Code == Programmes.IndustryAwards)
        {
            errors.Add(new FieldError("programme", "programme_not_computed", "贫困户产业奖补按户申报发放，不按标准自动分配"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_allocation", "经费分配无效", errors).ToException();
        }

        FundsRequests.RequireInScope(scope, request.CountyCode!);

        var county = RegionCodes.Padded(request.CountyCode!);
        var onDate = new[] { new[] { today, new DateOnly(request.Year!.Value, 12, 31) }.Min(), new DateOnly(request.Year.Value, 1, 1) }.Max();
        // Asked before any transaction opens: a slow dispatch holds no lock here.
        var villages = await serving.ForCountyAsync(request.CountyCode!, onDate, cancellationToken);

        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One run of a county's programme and year at a time: two at once would both book the same difference.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('allocation:' || @county || ':' || @year || ':' || @programme))",
            new { county, year = request.Year, programme = programme!.Code }, transaction, cancellationToken: cancellationToken));
        var budgetLine = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("SELECT id FROM accounts WHERE code = @Code",
            new { BudgetLines.LineAccount(county, request.Year.Value, programme).Code }, transaction, cancellationToken: cancellationToken))
            ?? throw ApiProblems.Conflict("no_budget_line", "尚未下达该项目预算").ToException($"{request.CountyCode} 尚未下达{request.Year}年{programme.Name}预算");
        var standards = await FundStandards.EffectiveAsync(connection, transaction, request.Year.Value, request.CountyCode!, cancellationToken);

        var runId = Guid.CreateVersion7();
        var lines = new List<AllocationLineView>();
        var targets = new List<AllocationTarget>();
        foreach (var village in villages)
        {
            // Funds' copy of who holds the posts, so that a recall's pro-rating (kept in step by events) is the run's too.
            await AllocationTargets.RecordForcesAsync(transaction, village, cancellationToken);
            targets.AddRange(await AllocationTargets.ForVillageAsync(transaction, programme, new VillageFacts(village.Code, village.Name,
                AllocationTargets.CategoryCode(village.Category)), request.Year.Value, standards, cancellationToken));
        }

        foreach (var target in targets)
        {
            var account = await Ledger.Ledger.OpenAccountAsync(transaction, new AccountSpec(target.HolderKind == "cadre" ? AccountKinds.Cadre : AccountKinds.Village,
                target.VillageCode, request.Year.Value, programme.Code, target.HolderId, $"{target.HolderName} {request.Year}年{programme.Name}"), actor, cancellationToken);
            var previous = await AllocationTargets.AllocatedAsync(transaction, account, cancellationToken);
            var difference = target.AmountFen - previous;
            Guid? entry = null;
            string outcome;
            if (difference > 0)
            {
                entry = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("allocation", county, $"{request.Year}年{programme.Name}分配：{target.Why}",
                    [new LedgerLine(budgetLine, -difference), new LedgerLine(account, difference)], actor), cancellationToken);
                outcome = previous == 0 ? $"本次分配 {Amounts.Yuan(difference)} 元" : $"已分配 {Amounts.Yuan(previous)} 元，本次补足 {Amounts.Yuan(difference)} 元";
            }
            else
            {
                outcome = difference == 0 ? $"已足额分配 {Amounts.Yuan(previous)} 元，本次不变" : $"已分配 {Amounts.Yuan(previous)} 元，高于标准，本次不收回";
            }

            lines.Add(new AllocationLineView(lines.Count + 1, account, target.HolderKind, target.HolderId, target.HolderName, target.VillageCode, target.Item,
                target.AmountFen, previous, Math.Max(difference, 0), entry, $"{target.Why}；{outcome}"));
        }

        var total = lines.Sum(l => l.BookedFen);
        var requestedAt = await connection.QuerySingleAsync<DateTime>(new CommandDefinition(
            """
            INSERT INTO allocation_runs (id, county_code, year, programme, on_date, total_fen, requested_by) VALUES (@runId, @county, @Year, @programme, @onDate, @total, @actor)
            RETURNING requested_at
            """, new { runId, county, request.Year, programme = programme.Code, onDate, total, actor }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO allocation_lines (run_id, line_no, account_id, holder_kind, holder_id, holder_name, village_code, standard_item, target_fen, previous_fen, booked_fen, entry_id, explanation)
            VALUES (@runId, @LineNo, @AccountId, @HolderKind, @HolderId, @HolderName, @VillageCode, @StandardItem, @TargetFen, @PreviousFen, @BookedFen, @EntryId, @Explanation)
            """, lines.Select(l => new { runId, l.LineNo, l.AccountId, l.HolderKind, l.HolderId, l.HolderName, l.VillageCode, l.StandardItem, l.TargetFen, l.PreviousFen,
                l.BookedFen, l.EntryId, l.Explanation }), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/funds/allocations/{runId}", new AllocationRunView(runId, county, request.Year.Value, programme.Code, onDate, total, actor,
            new DateTimeOffset(DateTime.SpecifyKind(requestedAt, DateTimeKind.Utc)), lines));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "allocation_not_found")]
    public static async Task<Ok<AllocationRunView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var run = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            """
            SELECT id, county_code, year, programme, on_date, total_fen, requested_by, requested_at FROM allocation_runs
            WHERE id = @id AND county_code >= @From AND county_code < @To
            """, new { id, scope.From, scope.To }, cancellationToken: cancellationToken))
            ?? throw ApiProblems.NotFound("allocation_not_found", "未找到该分配").ToException($"未找到经费分配 {id}");
        var lines = await connection.QueryAsync<AllocationLineView>(new CommandDefinition(
            """
            SELECT line_no, account_id, holder_kind, holder_id, holder_name, village_code, standard_item, target_fen, previous_fen, booked_fen, entry_id, explanation
            FROM allocation_lines WHERE run_id = @id ORDER BY line_no
            """, new { id }, cancellationToken: cancellationToken));
        return TypedResults.Ok(new AllocationRunView(run.Id, run.CountyCode, run.Year, run.Programme, run.OnDate, run.TotalFen, run.RequestedBy,
            new DateTimeOffset(DateTime.SpecifyKind(run.RequestedAt, DateTimeKind.Utc)), lines.ToList()));
    }

    private sealed record RunRow(Guid Id, string CountyCode, int Year, string Programme, DateOnly OnDate, long TotalFen, string RequestedBy, DateTime RequestedAt);
}
