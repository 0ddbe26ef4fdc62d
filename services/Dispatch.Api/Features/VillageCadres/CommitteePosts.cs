using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.VillageCadres;

public sealed record AppointRequest(Guid? PersonId, string? Body, string? Post, DateOnly? StartsOn);

public sealed record EndPostRequest(DateOnly? EndsOn, string? Kind, string? Reason);

/// <summary>A committee seat; <c>monthlyPay</c> and <c>pensionInsured</c> are the holder's pay in force.</summary>
public sealed record CommitteePostDto(Guid Id, Guid PersonId, string PersonName, string VillageCode, string Body, string Post, string Title, DateOnly StartsOn,
    DateOnly TermEndsOn, DateOnly? EndsOn, string? EndKind, string? EndKindName, string? EndReason, string AppointedBy, DateTimeOffset AppointedAt,
    decimal? MonthlyPay, bool? PensionInsured);

/// <summary>A village's two committees (村两委): the seats held today (a seat's last day included), those starting later, and every earlier one.</summary>
public sealed record VillageCommitteeDto(string VillageCode, string VillageName, IReadOnlyList<CommitteePostDto> Current, IReadOnlyList<CommitteePostDto> Upcoming,
    IReadOnlyList<CommitteePostDto> Past);

/// <summary>
/// The seats of a village's party branch committee and villagers' committee (村两委, domain.md §9), for a five-year term. A seat
/// goes to a person of that village (409 person_of_another_village), a branch seat to a party member (409
/// not_a_party_member); one secretary and one director at a time (409 post_taken), one seat per body per person (409
/// already_on_committee). A seat ends with its kind and reason (调整撤换, 409 post_already_ended). Each change publishes
/// <see cref="VillageCommitteeChanged"/> in its transaction; taking a seat records the pipeline's last step (村两委成员).
/// </summary>
public static class CommitteePosts
{
    /// <summary>The term of both committees (村两委每届任期五年): a seat's term ends five years after it starts.</summary>
    public const int TermYears = 5;

    internal static ProblemHttpResult NotFound() => ApiProblems.NotFound("committee_post_not_found", "未找到该村两委职务");

    /// <summary>REST: <c>GET /api/dispatch/villages/{code}/committee</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Results<Ok<VillageCommitteeDto>, ProblemHttpResult>> GetCommitteeAsync(string code, RegionScope scope, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var village = await GetVillage.FindAsync(dataSource, scope, code, cancellationToken);
        if (village is null)
        {
            throw GetVillage.VillageNotFound(code);
        }

        var today = ChinaTime.Today(clock);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var posts = await ReadAsync(connection, null, "p.village_code = @code", new { code }, cancellationToken);
        return TypedResults.Ok(new VillageCommitteeDto(code, village.Name,
            posts.Where(p => p.StartsOn <= today && (p.EndsOn is null || p.EndsOn >= today)).ToList(),
            posts.Where(p => p.StartsOn > today).ToList(),
            posts.Where(p => p.EndsOn < today).ToList()));
    }

    /// <summary>REST: <c>POST /api/dispatch/villages/{code}/committee/posts</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_committee_post")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found", "village_person_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "already_on_committee", "not_a_party_member", "person_of_another_village", "post_taken")]
    public static async Task<Results<Created<CommitteePostDto>, ProblemHttpResult>> AppointAsync(string code, AppointRequest request, RegionScope scope,
        HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, DateWindow window, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!DivisionCode.IsWellFormed(code))
        {
            errors.Add(new FieldError("code", "invalid_division_code", "区划代码必须是12位数字"));
        }

        if (request.PersonId is null)
        {
            errors.Add(new FieldError("personId", "required", "须指定人员"));
        }

        if (VillageCommittees.Name(VillageCommittees.Bodies, request.Body) is null)
        {
            errors.Add(new FieldError("body", "unknown_body", "body 应为 party_branch（村党支部委员会）或 villagers_committee（村民委员会）"));
        }
        else if (request.Post is null || !VillageCommittees.IsPostOf(request.Body!, request.Post))
        {
            errors.Add(new FieldError("post", "unknown_post", "党支部职务为 secretary、deputy_secretary、member；村委会职务为 director、deputy_director、member"));
        }

        if (request.StartsOn is not { } starts || !window.Contains(starts))
        {
            errors.Add(new FieldError("startsOn", "out_of_range", "须填写任职日期，" + window.Describe()));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_committee_post", "村两委任职无效", errors);
        }

        var now = clock.GetUtcNow();
        var actor = http.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var villageName = await GetVillage.LockForWriteAsync(transaction, scope, code, cancellationToken);
        var person = await VillagePeople.LockAsync(transaction, scope, request.PersonId!.Value, cancellationToken);
        if (person is null)
        {
            return VillagePeople.NotFound();
        }

        if (person.VillageCode != code)
        {
            return ApiProblems.Conflict("person_of_another_village", "村两委成员须为本村人员");
        }

        if (request.Body == VillageCommittees.PartyBranch && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM talent_steps WHERE person_id = @id AND step = 'party_member' AND reached_on <= @StartsOn)",
                new { id = person.Id, request.StartsOn }, transaction, cancellationToken: cancellationToken)))
        {
            return ApiProblems.Conflict("not_a_party_member", "党支部委员须为党员（请先登记入党日期）");
        }

        var id = Guid.CreateVersion7();
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO village_committee_posts (id, person_id, village_code, body, post, starts_on, term_ends_on, appointed_by, appointed_at)
                VALUES (@id, @person, @code, @Body, @Post, @StartsOn, @termEndsOn, @actor, @now)
                """, new { id, person = person.Id, code, request.Body, request.Post, request.StartsOn, termEndsOn = request.StartsOn!.Value.AddYears(TermYears), actor, now },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            // The transaction is rolled back as it is disposed: nothing of this appointment stays.
            return ex.ConstraintName == "one_head_per_body"
                ? ApiProblems.Conflict("post_taken", $"该村{VillageCommittees.Title(request.Body!, request.Post!)}在任，请先办理调整或换届")
                : ApiProblems.Conflict("already_on_committee", "此人在该届委员会已有职务");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO talent_steps (person_id, step, reached_on, recorded_by, recorded_at) VALUES (@person, 'committee_member', @StartsOn, @actor, @now)
            ON CONFLICT (person_id, step) DO NOTHING
            """, new { person = person.Id, request.StartsOn, actor, now }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new VillageCommitteeChanged(id, code, villageName, person.Id, person.Name, request.Body!, request.Post!, "appointed",
            null, null, request.StartsOn!.Value, actor, now), cancellationToken);
        var dto = (await ReadAsync(connection, transaction, "p.id = @id", new { id }, cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/villages/{code}/committee", dto);
    }

    /// <summary>REST: <c>POST /api/dispatch/committee-posts/{id}/end</c>: the day (not after today, China time), the kind and the reason.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_post_end")]
    [ProblemResponses(StatusCodes.Status404NotFound, "committee_post_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "post_already_ended")]
    public static async Task<Results<Ok<CommitteePostDto>, ProblemHttpResult>> EndAsync(Guid id, EndPostRequest request, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var reason = request.Reason?.Trim() ?? string.Empty;
        var endsOn = request.EndsOn ?? today;
        var errors = new List<FieldError>();
        if (VillageCommittees.Name(VillageCommittees.EndKinds, request.Kind) is null)
        {
            errors.Add(new FieldError("kind", "unknown_kind", "kind 应为 term_ended（任期届满）、adjusted（调整）、removed（撤换）或 resigned（辞职）"));
        }

        if (reason.Length is 0 or > 2000)
        {
            errors.Add(new FieldError("reason", "required", "须写明原因（不超过2000字）"));
        }

        if (endsOn > today || endsOn < DateWindow.Earliest)
        {
            errors.Add(new FieldError("endsOn", "out_of_range", $"离任日期不能晚于今天（{today:yyyy-MM-dd}）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_post_end", "离任登记无效", errors);
        }

        var actor = http.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var post = await connection.QuerySingleOrDefaultAsync<PostRow>(new CommandDefinition(
            $"{Select} WHERE p.id = @id AND p.village_code >= @From AND p.village_code < @To FOR UPDATE OF p",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        if (post is null)
        {
            return NotFound();
        }

        if (post.EndsOn is not null)
        {
            return ApiProblems.Conflict("post_already_ended", "该职务已离任");
        }

        if (endsOn < DateOnly.FromDateTime(post.StartsOn))
        {
            return ApiProblems.Invalid("invalid_post_end", "离任登记无效", [new FieldError("endsOn", "before_start", "离任日期不能早于任职日期")]);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE village_committee_posts SET ends_on = @endsOn, end_kind = @Kind, end_reason = @reason, ended_by = @actor, ended_at = @now WHERE id = @id
            """, new { id, endsOn, request.Kind, reason, actor, now }, transaction, cancellationToken: cancellationToken));
        var villageName = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT name FROM regions WHERE code = @VillageCode",
            new { post.VillageCode }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new VillageCommitteeChanged(id, post.VillageCode, villageName!, post.PersonId, post.PersonName, post.Body, post.Post,
            "ended", request.Kind, reason, endsOn, actor, now), cancellationToken);
        var dto = (await ReadAsync(connection, transaction, "p.id = @id", new { id }, cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto);
    }

    /// <summary>Seats matching <paramref name="where"/> (on <c>p</c>, the seat), newest first, with the holder's pay in force.</summary>
    internal static async Task<IReadOnlyList<CommitteePostDto>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object args,
        CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PostRow>(new CommandDefinition($"{Select} WHERE {where} ORDER BY p.starts_on DESC, p.id DESC", args, transaction,
            cancellationToken: cancellationToken)))
        .Select(r => new CommitteePostDto(r.Id, r.PersonId, r.PersonName, r.VillageCode, r.Body, r.Post, VillageCommittees.Title(r.Body, r.Post),
            DateOnly.FromDateTime(r.StartsOn), DateOnly.FromDateTime(r.TermEndsOn), r.EndsOn is { } e ? DateOnly.FromDateTime(e) : null, r.EndKind,
            VillageCommittees.Name(VillageCommittees.EndKinds, r.EndKind), r.EndReason, r.AppointedBy, VillagePeople.Utc(r.AppointedAt), r.MonthlyPay,
            r.PensionInsured))
        .ToList();

    private const string Select =
        """
        SELECT p.id, p.person_id, v.name AS person_name, p.village_code, p.body, p.post, p.starts_on, p.term_ends_on, p.ends_on, p.end_kind, p.end_reason,
               p.appointed_by, p.appointed_at, pay.monthly_pay, pay.pension_insured
        FROM village_committee_posts p
        JOIN village_people v ON v.id = p.person_id
        LEFT JOIN LATERAL (SELECT monthly_pay, pension_insured FROM village_cadre_pay WHERE person_id = p.person_id ORDER BY id DESC LIMIT 1) pay ON true
        """;

    private sealed class PostRow
    {
        public Guid Id { get; init; }
        public Guid PersonId { get; init; }
        public string PersonName { get; init; } = string.Empty;
        public string VillageCode { get; init; } = string.Empty;
        public string Body { get; init; } = string.Empty;
        public string Post { get; init; } = string.Empty;
        public DateTime StartsOn { get; init; }
        public DateTime TermEndsOn { get; init; }
        public DateTime? EndsOn { get; init; }
        public string? EndKind { get; init; }
        public string? EndReason { get; init; }
        public string AppointedBy { get; init; } = string.Empty;
        public DateTime AppointedAt { get; init; }
        public decimal? MonthlyPay { get; init; }
        public bool? PensionInsured { get; init; }
    }
}
