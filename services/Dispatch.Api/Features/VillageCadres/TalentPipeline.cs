using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.VillageCadres;

public sealed record TalentStepRequest(string? Step, DateOnly? ReachedOn);

/// <summary>
/// One region's talent pipeline (双培双带) as the seeds report it: people registered, capable farmers, party members
/// trained, reserve cadres waiting (后备干部: reached, not yet on a committee; one county keeps 182), and committee
/// members seated today, of them pension-insured.
/// </summary>
public sealed record TalentRegion(string Code, string Name, int People, int CapableFarmers, int PartyMembers, int ReserveCadres, int CommitteeMembers,
    int PensionInsured);

public sealed record TalentRegionsReport(string Scope, string Level, string LevelName, int ReserveCadres, int CommitteeMembers, IReadOnlyList<TalentRegion> Regions);

/// <summary>
/// The steps of the talent pipeline (双培双带, domain.md §9): capable farmer → party member → reserve cadre → committee
/// member, each once per person with its day (not after today, China time; 409 step_already_recorded). Party
/// membership counts from its step: a branch seat needs it. Taking a seat records the last step by itself.
/// </summary>
public static class TalentPipeline
{
    /// <summary>REST: <c>POST /api/dispatch/village-people/{id}/talent-steps</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_talent_step")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_person_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "step_already_recorded")]
    public static async Task<Results<Created<VillagePersonDto>, ProblemHttpResult>> RecordStepAsync(Guid id, TalentStepRequest request, RegionScope scope,
        HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var errors = new List<FieldError>();
        if (VillageCommittees.Name(VillageCommittees.TalentSteps, request.Step) is null)
        {
            errors.Add(new FieldError("step", "unknown_step", "step 应为 capable_farmer（致富能手）、party_member（党员）、reserve_cadre（后备干部）或 committee_member（村两委成员）"));
        }

        if (request.ReachedOn is not { } reached || reached > today || reached < new DateOnly(1950, 1, 1))
        {
            errors.Add(new FieldError("reachedOn", "out_of_range", $"日期应在1950-01-01至今天（{today:yyyy-MM-dd}）之间"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_talent_step", "人才培养记录无效", errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await VillagePeople.LockAsync(transaction, scope, id, cancellationToken) is null)
        {
            return VillagePeople.NotFound();
        }

        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO talent_steps (person_id, step, reached_on, recorded_by, recorded_at) VALUES (@id, @Step, @ReachedOn, @actor, @now)
            ON CONFLICT (person_id, step) DO NOTHING
            """, new { id, request.Step, request.ReachedOn, actor = http.GetActor(), now }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return ApiProblems.Conflict("step_already_recorded", $"已登记过“{VillageCommittees.Name(VillageCommittees.TalentSteps, request.Step)}”");
        }

        var dto = await VillagePeople.ReadAsync(connection, transaction, scope, id, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/village-people/{id}", dto!);
    }

    /// <summary>REST: <c>GET /api/dispatch/talent/regions?prefix=&amp;level=city|county|township</c>: only regions with people registered.</summary>
    public static async Task<Ok<TalentRegionsReport>> RegionsAsync(RegionScope callerScope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? prefix = null, string? level = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);
        var grouping = RegionGrouping.For(scope, level);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var regions = (await connection.QueryAsync<TalentRegion>(new CommandDefinition(
            """
            WITH people AS (
                SELECT p.village_code,
                       EXISTS (SELECT 1 FROM talent_steps s WHERE s.person_id = p.id AND s.step = 'capable_farmer') AS capable_farmer,
                       EXISTS (SELECT 1 FROM talent_steps s WHERE s.person_id = p.id AND s.step = 'party_member') AS party_member,
                       EXISTS (SELECT 1 FROM talent_steps s WHERE s.person_id = p.id AND s.step = 'reserve_cadre') AS reserve_cadre,
                       EXISTS (SELECT 1 FROM village_committee_posts c WHERE c.person_id = p.id AND c.starts_on <= @today
                                                                         AND (c.ends_on IS NULL OR c.ends_on >= @today)) AS seated,
                       coalesce((SELECT pension_insured FROM village_cadre_pay y WHERE y.person_id = p.id ORDER BY y.id DESC LIMIT 1), false) AS insured,
                       EXISTS (SELECT 1 FROM talent_steps s WHERE s.person_id = p.id AND s.step = 'committee_member') AS committee_step
                FROM village_people p
                WHERE p.village_code >= @From AND p.village_code < @To
            ), grouped AS (
                SELECT rpad(substr(village_code, 1, @length), 12, '0') COLLATE "C" AS code, count(*)::int AS people,
                       count(*) FILTER (WHERE capable_farmer)::int AS capable_farmers, count(*) FILTER (WHERE party_member)::int AS party_members,
                       count(*) FILTER (WHERE reserve_cadre AND NOT committee_step AND NOT seated)::int AS reserve_cadres,
                       count(*) FILTER (WHERE seated)::int AS committee_members, count(*) FILTER (WHERE seated AND insured)::int AS pension_insured
                FROM people GROUP BY 1
            )
            SELECT g.code, coalesce(n.name, '') AS name, g.people, g.capable_farmers, g.party_members, g.reserve_cadres, g.committee_members, g.pension_insured
            FROM grouped g LEFT JOIN regions n ON n.code = g.code
            ORDER BY g.code
            """, new { scope.From, scope.To, length = grouping.PrefixLength, today = ChinaTime.Today(clock) }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok(new TalentRegionsReport(scope.ToString(), grouping.Level, grouping.ChineseName, regions.Sum(r => r.ReserveCadres),
            regions.Sum(r => r.CommitteeMembers), regions));
    }
}
