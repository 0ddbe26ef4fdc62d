using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Funds.Api.Domain;
using Funds.Api.Extensions;
using Funds.Api.Features.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Disbursements;

public sealed record RequestDisbursementRequest(Guid? AccountId, long? AmountFen, string? Payee, string? Purpose);

public sealed record DisbursementView(Guid Id, Guid AccountId, string AccountName, string RegionCode, long AmountFen, string Payee, string Purpose, string RequiredLevel,
    string Status, string RequestedBy, DateTimeOffset RequestedAt, string? ApprovedBy, DateTimeOffset? ApprovedAt, string? PaidBy, DateTimeOffset? PaidAt, Guid? EntryId,
    string? ReversedBy, DateTimeOffset? ReversedAt, string? ReversalReason, Guid? ReversalEntryId, string? RefusedBy, DateTimeOffset? RefusedAt,
    string? RefusalReason);

public sealed record DisbursementPage(IReadOnlyList<DisbursementView> Items, Guid? Next);

/// <summary>
/// A disbursement's request (经费支付申请) from a village's or cadre's account, idempotent by the caller's
/// <c>Idempotency-Key</c>: the same request again answers the same disbursement (200), a different one with a used key is
/// refused (409 idempotency_key_reused). The level that must approve it follows from the amount (Funds:Approval).
/// </summary>
public static class Disbursements
{
    public const string Columns =
        """
        d.id, d.account_id, a.name AS account_name, d.region_code, d.amount_fen, d.payee, d.purpose, d.required_level, d.status, d.requested_by, d.requested_at,
        d.approved_by, d.approved_at, d.paid_by, d.paid_at, d.entry_id, d.reversed_by, d.reversed_at, d.reversal_reason, d.reversal_entry_id,
        d.refused_by, d.refused_at, d.refusal_reason
        """;

    public static readonly IReadOnlyList<string> Statuses = ["requested", "approved", "paid", "reversed", "refused"];

    [ProblemResponses(StatusCodes.Status400BadRequest, "account_not_payable", "invalid_amount", "invalid_disbursement")]
    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found", "disbursement_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "idempotency_key_reused")]
    public static async Task<Results<Created<DisbursementView>, Ok<DisbursementView>>> RequestAsync(RequestDisbursementRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        IOptions<FundsOptions> options, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 200)
        {
            errors.Add(new FieldError("Idempotency-Key", "required", "须在请求头 Idempotency-Key 中给出本次申请的唯一键（至多200字符）"));
        }

        if (request.AccountId is null)
        {
            errors.Add(new FieldError("accountId", "required", "须指定支出账户"));
        }

        if (string.IsNullOrWhiteSpace(request.Payee))
        {
            errors.Add(new FieldError("payee", "required", "须填写收款人"));
        }

        if (string.IsNullOrWhiteSpace(request.Purpose))
        {
            errors.Add(new FieldError("purpose", "required", "须填写用途"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_disbursement", "支付申请无效", errors).ToException();
        }

        if (request.AmountFen is not > 0)
        {
            throw Amounts.NotPositive();
        }

        var actor = user.GetActor();
        var hash = Hash(request);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var account = await Accounts.FindAsync(connection, transaction, request.AccountId!.Value, scope, cancellationToken);
        if (account.Kind is not (AccountKinds.Village or AccountKinds.Cadre))
        {
            throw ApiProblems.Invalid("account_not_payable", "该账户不能直接支付",
                [new FieldError("accountId", "not_payable", "只能从村或驻村干部的经费账户支付；预算指标须先分配")]).ToException();
        }

        var id = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO disbursements (id, requested_by, idempotency_key, request_hash, account_id, region_code, amount_fen, payee, purpose, required_level)
            VALUES (@id, @actor, @idempotencyKey, @hash, @AccountId, @RegionCode, @AmountFen, @Payee, @Purpose, @level)
            ON CONFLICT (requested_by, idempotency_key) DO NOTHING
            """, new
            {
                id, actor, idempotencyKey, hash, request.AccountId, account.RegionCode, request.AmountFen, request.Payee, request.Purpose,
                level = options.Value.Approval.LevelFor(request.AmountFen.Value),
            }, transaction, cancellationToken: cancellationToken));
        if (inserted == 1)
        {
            var created = await FindAsync(connection, transaction, id, scope, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return TypedResults.Created($"/api/funds/disbursements/{id}", created);
        }

        // The key was used by this caller: the same request is the same disbursement; another is refused.
        var earlier = await connection.QuerySingleAsync<(Guid Id, string RequestHash)>(new CommandDefinition(
            "SELECT id, request_hash FROM disbursements WHERE requested_by = @actor AND idempotency_key = @idempotencyKey", new { actor, idempotencyKey }, transaction,
            cancellationToken: cancellationToken));
        if (earlier.RequestHash != hash)
        {
            throw ApiProblems.Conflict("idempotency_key_reused", "幂等键已用于另一笔申请").ToException("该 Idempotency-Key 已用于内容不同的另一笔支付申请");
        }

        return TypedResults.Ok(await FindAsync(connection, transaction, earlier.Id, scope, cancellationToken));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "disbursement_not_found")]
    public static async Task<Ok<DisbursementView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await FindAsync(connection, null, id, scope, cancellationToken));
    }

    /// <summary>
    /// The disbursements under a prefix of the caller's scope (the approvers' list), optionally of one status, newest first,
    /// keyset-paged (<c>next</c> → <c>after</c>).
    /// </summary>
    public static async Task<Ok<DisbursementPage>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null, string? status = null, Guid? after = null, int limit = 100)
    {
        if (limit is < 1 or > 1000 || (status is not null && !Statuses.Contains(status)))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效",
                [new FieldError(status is not null && !Statuses.Contains(status) ? "status" : "limit", "invalid", "status 为 requested、approved、paid、reversed、refused 之一，limit 为1到1000")])
                .ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM disbursements d JOIN accounts a ON a.id = d.account_id
            WHERE d.region_code >= @From AND d.region_code < @To AND (@status::text IS NULL OR d.status = @status)
              AND (@after::uuid IS NULL OR (d.requested_at, d.id) < (SELECT requested_at, id FROM disbursements WHERE id = @after))
            ORDER BY d.requested_at DESC, d.id DESC LIMIT @take
            """, new { region.From, region.To, status, after, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r => r.ToView()).ToList();
        return TypedResults.Ok(new DisbursementPage(items, rows.Count > limit ? items[^1].Id : null));
    }

    /// <summary>One disbursement in the caller's scope (404 disbursement_not_found otherwise), locked for a change when <paramref name="forUpdate"/>.</summary>
    public static async Task<DisbursementView> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, RegionScope scope,
        CancellationToken cancellationToken, bool forUpdate = false) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM disbursements d JOIN accounts a ON a.id = d.account_id
            WHERE d.id = @id AND d.region_code >= @From AND d.region_code < @To {(forUpdate ? "FOR UPDATE OF d" : string.Empty)}
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken)))?.ToView()
        ?? throw ApiProblems.NotFound("disbursement_not_found", "未找到该支付申请").ToException($"未找到支付申请 {id}");

    /// <summary>What makes two requests the same: account, amount, payee and purpose.</summary>
    private static string Hash(RequestDisbursementRequest request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.AccountId}\n{request.AmountFen}\n{request.Payee}\n{request.Purpose}")));

    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private sealed record Row(Guid Id, Guid AccountId, string AccountName, string RegionCode, long AmountFen, string Payee, string Purpose, string RequiredLevel,
        string Status, string RequestedBy, DateTime RequestedAt, string? ApprovedBy, DateTime? ApprovedAt, string? PaidBy, DateTime? PaidAt, Guid? EntryId,
        string? ReversedBy, DateTime? ReversedAt, string? ReversalReason, Guid? ReversalEntryId, string? RefusedBy, DateTime? RefusedAt, string? RefusalReason)
    {
        public DisbursementView ToView() => new(Id, AccountId, AccountName, RegionCode, AmountFen, Payee, Purpose, RequiredLevel, Status, RequestedBy,
            Utc(RequestedAt)!.Value, ApprovedBy, Utc(ApprovedAt), PaidBy, Utc(PaidAt), EntryId, ReversedBy, Utc(ReversedAt),
            ReversalReason, ReversalEntryId, RefusedBy, Utc(RefusedAt), RefusalReason);
    }
}
