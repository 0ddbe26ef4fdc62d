using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.VillageCadres;

public sealed record RegisterVillagePersonRequest(string? Name, string? Gender, int? BirthYear);

public sealed record TalentStepDto(string Step, string StepName, DateOnly ReachedOn, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record VillageCadrePayDto(decimal MonthlyPay, bool PensionInsured, DateOnly EffectiveFrom, string Reason, string SetBy, DateTimeOffset SetAt);

/// <summary>
/// A person of the village (not a dispatched cadre): the steps of the talent pipeline reached (<c>stage</c> the furthest),
/// the committee seats held now and before, and the pay in force with its history, newest first.
/// </summary>
public sealed record VillagePersonDto(Guid Id, string VillageCode, string VillageName, string Name, string Gender, int BirthYear, bool PartyMember,
    string? Stage, string? StageName, IReadOnlyList<TalentStepDto> Steps, IReadOnlyList<CommitteePostDto> Posts, VillageCadrePayDto? Pay,
    IReadOnlyList<VillageCadrePayDto> PayHistory, string RegisteredBy, DateTimeOffset RegisteredAt);

public sealed record VillagePersonSummary(Guid Id, string VillageCode, string VillageName, string Name, string Gender, int BirthYear, string? Stage,
    string? StageName, IReadOnlyList<string> Seats);

public sealed record VillagePersonPage(IReadOnlyList<VillagePersonSummary> Items, Guid? Next);

/// <summary>
/// The people of a village who sit, or may come to sit, on its committees (村两委, domain.md §9): registered by the
/// officials of its scope, read the same way by every door (<see cref="ReadAsync"/>); a person of a village outside the
/// caller's scope answers as missing (404 village_person_not_found).
/// </summary>
public static class VillagePeople
{
    public const int MaxLimit = 500;

    /// <summary>The pipeline's steps in order, for SQL's array_position.</summary>
    internal static readonly string[] StageOrder = VillageCommittees.TalentSteps.Select(s => s.Code).ToArray();

    internal static ProblemHttpResult NotFound() => ApiProblems.NotFound("village_person_not_found", "未找到该村干部或人才");

    /// <summary>REST: <c>POST /api/dispatch/villages/{code}/people</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_village_person")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Results<Created<VillagePersonDto>, ProblemHttpResult>> RegisterAsync(string code, RegisterVillagePersonRequest request, RegionScope scope,
        HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (!DivisionCode.IsWellFormed(code))
        {
            errors.Add(new FieldError("code", "invalid_division_code", "区划代码必须是12位数字"));
        }

        if (name.Length is 0 or > 50)
        {
            errors.Add(new FieldError("name", "required", "须填写姓名（不超过50字）"));
        }

        if (request.Gender is not ("male" or "female"))
        {
            errors.Add(new FieldError("gender", "unknown_gender", "gender 应为 male（男）或 female（女）"));
        }

        if (request.BirthYear is not (>= 1920 and <= 2015))
        {
            errors.Add(new FieldError("birthYear", "out_of_range", "出生年份应在1920至2015之间"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_village_person", "村干部或人才登记无效", errors);
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await GetVillage.LockForWriteAsync(transaction, scope, code, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO village_people (id, village_code, name, gender, birth_year, registered_by, registered_at)
            VALUES (@id, @code, @name, @Gender, @BirthYear, @actor, @now)
            """, new { id, code, name, request.Gender, request.BirthYear, actor = http.GetActor(), now }, transaction, cancellationToken: cancellationToken));
        var dto = await ReadAsync(connection, transaction, scope, id, ChinaTime.DayOf(now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/village-people/{id}", dto!);
    }

    /// <summary>REST: <c>GET /api/dispatch/village-people/{id}</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "village_person_not_found")]
    public static async Task<Results<Ok<VillagePersonDto>, ProblemHttpResult>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, scope, id, ChinaTime.Today(clock), cancellationToken) is { } dto ? TypedResults.Ok(dto) : NotFound();
    }

    /// <summary>
    /// REST: <c>GET /api/dispatch/village-people?prefix=&amp;stage=&amp;after=&amp;limit=</c>: the people of the scope's villages
    /// (a village's code as the prefix: its own), by the furthest step reached; <c>stage=reserve_cadre</c> is the reserve
    /// pool (后备干部) not yet on a committee.
    /// </summary>
    public static async Task<Results<Ok<VillagePersonPage>, ProblemHttpResult>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? prefix = null, string? stage = null, Guid? after = null, int limit = 100)
    {
        var errors = new List<FieldError>();
        if (stage is not null && VillageCommittees.Name(VillageCommittees.TalentSteps, stage) is null)
        {
            errors.Add(new FieldError("stage", "unknown_step", "stage 应为 capable_farmer、party_member、reserve_cadre 或 committee_member"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "out_of_range", $"limit 必须在 1 到 {MaxLimit} 之间"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", errors);
        }

        var region = scope.NarrowOrDeny(prefix);
        var today = ChinaTime.Today(clock);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The stage is the furthest step by the pipeline's order (StageOrder), worked out in SQL so a page reads one page of rows.
        var rows = (await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            """
            SELECT p.id, p.village_code, r.name AS village_name, p.name, p.gender, p.birth_year, st.stage,
                   ARRAY(SELECT c.body || ':' || c.post FROM village_committee_posts c
                         WHERE c.person_id = p.id AND c.starts_on <= @today AND (c.ends_on IS NULL OR c.ends_on >= @today)) AS seats
            FROM village_people p
            JOIN regions r ON r.code = p.village_code
            LEFT JOIN LATERAL (SELECT s.step AS stage FROM talent_steps s WHERE s.person_id = p.id
                               ORDER BY array_position(@order, s.step) DESC LIMIT 1) st ON true
            WHERE p.village_code >= @From AND p.village_code < @To AND (@after::uuid IS NULL OR p.id > @after)
              AND (@stage::text IS NULL OR st.stage = @stage)
            ORDER BY p.id LIMIT @take
            """, new { region.From, region.To, after, today, stage, order = StageOrder, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r => new VillagePersonSummary(r.Id, r.VillageCode, r.VillageName, r.Name, r.Gender, r.BirthYear,
            r.Stage, VillageCommittees.Name(VillageCommittees.TalentSteps, r.Stage),
            r.Seats.Select(s => s.Split(':') is [var body, var post] ? VillageCommittees.Title(body, post) : s).ToList())).ToList();
        return TypedResults.Ok(new VillagePersonPage(items, rows.Count > limit ? items[^1].Id : null));
    }

    /// <summary>The person in the caller's scope, locked for this transaction (a seat, a step or a pay change at a time), or null.</summary>
    internal static Task<LockedPerson?> LockAsync(NpgsqlTransaction transaction, RegionScope scope, Guid id, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<LockedPerson>(new CommandDefinition(
            """
            SELECT p.id, p.village_code, r.name AS village_name, p.name FROM village_people p JOIN regions r ON r.code = p.village_code
            WHERE p.id = @id AND p.village_code >= @From AND p.village_code < @To FOR UPDATE OF p
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));

    /// <summary>The person with steps, seats and pay, or null when missing or outside <paramref name="scope"/>.</summary>
    internal static async Task<VillagePersonDto?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id, DateOnly today,
        CancellationToken cancellationToken)
    {
        var person = await connection.QuerySingleOrDefaultAsync<PersonRow>(new CommandDefinition(
            """
            SELECT p.id, p.village_code, r.name AS village_name, p.name, p.gender, p.birth_year, p.registered_by, p.registered_at
            FROM village_people p JOIN regions r ON r.code = p.village_code
            WHERE p.id = @id AND p.village_code >= @From AND p.village_code < @To
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        if (person is null)
        {
            return null;
        }

        var steps = (await connection.QueryAsync<StepRow>(new CommandDefinition(
                "SELECT step, reached_on, recorded_by, recorded_at FROM talent_steps WHERE person_id = @id ORDER BY reached_on, step", new { id }, transaction,
                cancellationToken: cancellationToken)))
            .Select(s => new TalentStepDto(s.Step, VillageCommittees.Name(VillageCommittees.TalentSteps, s.Step)!, DateOnly.FromDateTime(s.ReachedOn), s.RecordedBy,
                Utc(s.RecordedAt)))
            .ToList();
        var pay = (await connection.QueryAsync<PayRow>(new CommandDefinition(
                """
                SELECT monthly_pay, pension_insured, effective_from, reason, set_by, set_at FROM village_cadre_pay WHERE person_id = @id ORDER BY id DESC
                """, new { id }, transaction, cancellationToken: cancellationToken)))
            .Select(p => new VillageCadrePayDto(p.MonthlyPay, p.PensionInsured, DateOnly.FromDateTime(p.EffectiveFrom), p.Reason, p.SetBy, Utc(p.SetAt)))
            .ToList();
        var posts = await CommitteePosts.ReadAsync(connection, transaction, "p.person_id = @id", new { id }, cancellationToken);
        var stage = VillageCommittees.Furthest(steps.Select(s => s.Step));
        return new VillagePersonDto(person.Id, person.VillageCode, person.VillageName, person.Name, person.Gender, person.BirthYear,
            steps.Any(s => s.Step == "party_member"), stage, VillageCommittees.Name(VillageCommittees.TalentSteps, stage), steps, posts, pay.FirstOrDefault(), pay,
            person.RegisteredBy, Utc(person.RegisteredAt));
    }

    // Npgsql reads timestamptz as a UTC DateTime.
    internal static DateTimeOffset Utc(DateTime moment) => new(DateTime.SpecifyKind(moment, DateTimeKind.Utc));

    internal sealed class LockedPerson
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
    }

    private sealed class PersonRow
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
        public string Gender { get; init; } = string.Empty;
        public int BirthYear { get; init; }
        public string RegisteredBy { get; init; } = string.Empty;
        public DateTime RegisteredAt { get; init; }
    }

    private sealed class SummaryRow
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
        public string Gender { get; init; } = string.Empty;
        public int BirthYear { get; init; }
        public string? Stage { get; init; }
        public string[] Seats { get; init; } = [];
    }

    private sealed class StepRow
    {
        public string Step { get; init; } = string.Empty;
        public DateTime ReachedOn { get; init; }
        public string RecordedBy { get; init; } = string.Empty;
        public DateTime RecordedAt { get; init; }
    }

    private sealed class PayRow
    {
        public decimal MonthlyPay { get; init; }
        public bool PensionInsured { get; init; }
        public DateTime EffectiveFrom { get; init; }
        public string Reason { get; init; } = string.Empty;
        public string SetBy { get; init; } = string.Empty;
        public DateTime SetAt { get; init; }
    }
}
