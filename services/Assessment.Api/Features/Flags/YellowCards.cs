using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Flags;

public sealed record YellowCardView(Guid Id, string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason,
    string IssuedBy, DateTimeOffset IssuedAt);

public sealed record IssueYellowCardRequest(string? Month, string? SubjectKind, string? SubjectId, string? Reason);

/// <summary>
/// Yellow cards (黄牌警示): a month's cards under a prefix, given by a model rule during scoring or by hand with a
/// reason here; a card by hand is published as YellowCardIssued through the outbox, for notification's bulletin.
/// </summary>
public static class YellowCards
{
    /// <summary>
    /// A month's cards under <paramref name="prefix"/> (narrowed to the scope), of one kind of subject when
    /// <paramref name="kind"/> is given (the dashboard's ranking card: a province's first secretaries alone may hold
    /// tens of thousands of cards that a ranking of counties does not show).
    /// </summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<Ok<IReadOnlyList<YellowCardView>>> ListAsync(string month, RegionScope scope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken, string? prefix = null, string? kind = null)
    {
        var parsed = AssessmentMonth.Parse(month);
        if (kind is not null && !SubjectKinds.IsKnown(kind))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("kind", "unknown_subject", $"kind 须为 {string.Join("、", SubjectKinds.All)} 之一")]).ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CardRow>(new CommandDefinition(
            """
            SELECT id, month, subject_kind, subject_id, subject_name, region_code, rule, reason, issued_by, issued_at FROM yellow_cards
            WHERE month = @month AND region_code >= @From AND region_code < @To AND (@kind::text IS NULL OR subject_kind = @kind) ORDER BY issued_at, id
            """, new { month = parsed.Text, region.From, region.To, kind }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<YellowCardView>>(rows.Select(r => r.ToView()).ToList());
    }

    /// <summary>A yellow card by hand: the subject must have been scored that month within the caller's scope (else it is missing).</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month", "invalid_yellow_card")]
    [ProblemResponses(StatusCodes.Status404NotFound, "subject_not_found")]
    public static async Task<Created<YellowCardView>> IssueAsync(IssueYellowCardRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var month = AssessmentMonth.Parse(request.Month);
        var errors = new List<FieldError>();
        if (!SubjectKinds.IsKnown(request.SubjectKind))
        {
            errors.Add(new FieldError("subjectKind", "unknown_subject", $"subjectKind 须为 {string.Join("、", SubjectKinds.All)} 之一"));
        }

        if (string.IsNullOrWhiteSpace(request.SubjectId))
        {
            errors.Add(new FieldError("subjectId", "required", "须指定考核对象"));
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add(new FieldError("reason", "required", "黄牌警示须说明原因"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_yellow_card", "黄牌警示无效", errors).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var subject = await connection.QuerySingleOrDefaultAsync<(string SubjectName, string RegionCode)?>(new CommandDefinition(
            """
            SELECT subject_name, region_code FROM scores
            WHERE month = @month AND subject_kind = @SubjectKind AND subject_id = @SubjectId AND region_code >= @From AND region_code < @To
            ORDER BY version DESC LIMIT 1
            """, new { month = month.Text, request.SubjectKind, request.SubjectId, scope.From, scope.To }, transaction, cancellationToken: cancellationToken))
            ?? throw ApiProblems.NotFound("subject_not_found", "未找到考核对象").ToException("本月考核结果中没有该考核对象");
        var actor = user.GetActor();
        var id = Guid.CreateVersion7();
        var issuedAt = await connection.QuerySingleAsync<DateTime>(new CommandDefinition(
            """
            INSERT INTO yellow_cards (id, month, subject_kind, subject_id, subject_name, region_code, rule, reason, issued_by)
            VALUES (@id, @month, @SubjectKind, @SubjectId, @SubjectName, @RegionCode, 'manual', @Reason, @actor) RETURNING issued_at
            """, new { id, month = month.Text, request.SubjectKind, request.SubjectId, subject.SubjectName, subject.RegionCode, request.Reason, actor },
            transaction, cancellationToken: cancellationToken));
        var view = new YellowCardView(id, month.Text, request.SubjectKind!, request.SubjectId!, subject.SubjectName, subject.RegionCode, "manual", request.Reason!,
            actor, Utc(issuedAt));
        await outbox.EnqueueAsync(transaction, new YellowCardIssued(view.Id, view.Month, view.SubjectKind, view.SubjectId, view.SubjectName, view.RegionCode, view.Rule,
            view.Reason, view.IssuedBy, view.IssuedAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/assessment/yellow-cards/{id}", view);
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private sealed record CardRow(Guid Id, string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason,
        string IssuedBy, DateTime IssuedAt)
    {
        public YellowCardView ToView() => new(Id, Month, SubjectKind, SubjectId, SubjectName, RegionCode, Rule, Reason, IssuedBy, Utc(IssuedAt));
    }
}
