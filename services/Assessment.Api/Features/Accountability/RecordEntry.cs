using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Accountability;

/// <param name="ConductRule">For a conduct violation: the code of the rule broken (GET /accountability/conduct-rules).</param>
public sealed record RecordEntryRequest(string? Kind, string? SubjectKind, string? SubjectId, string? Reason, IReadOnlyList<string>? Evidence, string? ConductRule = null);

/// <summary>
/// An entry recorded by hand (通报批评, 约谈, 诫勉谈话, 免职建议, 表扬, 违反禁令/纪律): the subject must exist within the caller's
/// scope (else it is missing), the caller is who decided and the server's clock the date. A withdrawal has its own
/// endpoint (it names the entry withdrawn).
/// </summary>
public static class RecordEntry
{
    public const int MaxEvidence = 50;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_accountability_entry")]
    [ProblemResponses(StatusCodes.Status404NotFound, "subject_not_found")]
    public static async Task<Created<AccountabilityEntryView>> RecordAsync(RecordEntryRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, AccountabilitySubjects subjects, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var view = await RecordCoreAsync(dataSource, subjects, outbox, scope, user, request, cancellationToken);
        return TypedResults.Created($"/api/assessment/accountability/entries/{view.Id}", view);
    }

    public static async Task<AccountabilityEntryView> RecordCoreAsync(NpgsqlDataSource dataSource, AccountabilitySubjects subjects, OutboxWriter outbox, RegionScope scope,
        ClaimsPrincipal user, RecordEntryRequest request, CancellationToken cancellationToken)
    {
        var evidence = (request.Evidence ?? []).Select(e => e?.Trim() ?? string.Empty).ToList();
        Validate(request, evidence);
        var subject = await subjects.RequireAsync(scope, request.SubjectKind!, request.SubjectId!.Trim(), cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? conductRule = null;
        if (request.Kind == AccountabilityKinds.ConductViolation)
        {
            conductRule = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT code FROM conduct_rules WHERE code = @ConductRule", new { request.ConductRule }, transaction, cancellationToken: cancellationToken))
                ?? throw ApiProblems.Invalid("invalid_accountability_entry", "问责记录无效",
                    [new FieldError("conductRule", "unknown_conduct_rule", $"未知的禁令或纪律条款：{request.ConductRule}")]).ToException();
        }

        var entry = new NewEntry(request.Kind!, subject.Kind, subject.Id, subject.Name, subject.RegionCode, request.Reason!.Trim(), evidence, user.GetActor(),
            AccountabilityRules.Manual);
        var view = await AccountabilityRegister.AppendAsync(transaction, outbox, entry, null, conductRule, cancellationToken)
            ?? throw new InvalidOperationException("An entry by hand has no cause key and is always appended.");
        await transaction.CommitAsync(cancellationToken);
        return view;
    }

    private static void Validate(RecordEntryRequest request, List<string> evidence)
    {
        var errors = new List<FieldError>();
        if (!AccountabilityKinds.IsKnown(request.Kind) || request.Kind == AccountabilityKinds.Withdrawal)
        {
            errors.Add(new FieldError("kind", "unknown_kind",
                $"kind 须为 {string.Join("、", AccountabilityKinds.All.Where(k => k != AccountabilityKinds.Withdrawal))} 之一（撤销请用撤销接口）"));
        }

        if (!AccountabilitySubjectKinds.IsKnown(request.SubjectKind))
        {
            errors.Add(new FieldError("subjectKind", "unknown_subject_kind", $"subjectKind 须为 {string.Join("、", AccountabilitySubjectKinds.All)} 之一"));
        }

        if (string.IsNullOrWhiteSpace(request.SubjectId))
        {
            errors.Add(new FieldError("subjectId", "required", "须指定问责对象"));
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add(new FieldError("reason", "required", "须说明事由"));
        }

        if (evidence.Count > MaxEvidence || evidence.Any(e => e.Length == 0))
        {
            errors.Add(new FieldError("evidence", "invalid_evidence", $"佐证材料至多{MaxEvidence}项，且每项不能为空"));
        }

        if (request.Kind == AccountabilityKinds.ConductViolation)
        {
            if (request.SubjectKind != AccountabilitySubjectKinds.Cadre)
            {
                errors.Add(new FieldError("subjectKind", "cadre_required", "违反禁令/纪律须记录在干部名下（subjectKind 为 cadre）"));
            }

            if (string.IsNullOrWhiteSpace(request.ConductRule))
            {
                errors.Add(new FieldError("conductRule", "required", "须指明违反的禁令或纪律条款"));
            }
        }
        else if (request.ConductRule is not null)
        {
            errors.Add(new FieldError("conductRule", "not_applicable", "只有违反禁令/纪律的记录才指明条款"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_accountability_entry", "问责记录无效", errors).ToException();
        }
    }
}
