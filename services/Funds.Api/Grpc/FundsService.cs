using System.Globalization;
using Funds.Api.Features.Disbursements;
using Funds.Api.Features.Ledger;
using Funds.Api.Features.Statements;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Funds.V1;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Funds.Api.Grpc;

/// <summary>
/// funds.v1.FundsLedger: balances, a village's statement and a disbursement's state for other government systems, read-only,
/// within the caller's scope. Thin: each method converts messages and calls the feature's core (the REST handlers' too).
/// </summary>
[RegionScoped]
public sealed class FundsService(NpgsqlDataSource dataSource, TimeProvider clock) : FundsLedger.FundsLedgerBase
{
    /// <summary>Accounts fetched per database round trip while streaming (the REST page's maximum).</summary>
    private const int StreamBatch = 500;

    public override async Task ListBalances(ListBalancesRequest request, IServerStreamWriter<AccountBalance> responseStream, ServerCallContext context)
    {
        if (request.Limit < 0 || request.Year < 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效",
                [new FieldError(request.Limit < 0 ? "limit" : "year", "out_of_range", $"{(request.Limit < 0 ? "limit" : "year")} 不能为负数")]).ToException();
        }

        var scope = context.GetRegionScope();
        var remaining = request.Limit == 0 ? int.MaxValue : request.Limit;
        var after = request.AfterCode.Length > 0 ? request.AfterCode : null;
        while (remaining > 0)
        {
            var page = await Accounts.PageAsync(dataSource, scope, request.Prefix, request.Year == 0 ? null : request.Year, request.Kind.Length > 0 ? request.Kind : null,
                after, Math.Min(StreamBatch, remaining), context.CancellationToken);
            foreach (var account in page.Items)
            {
                await responseStream.WriteAsync(new AccountBalance
                {
                    Id = account.Id.ToString(), Code = account.Code, Kind = account.Kind, RegionCode = account.RegionCode, Year = account.Year, Programme = account.Programme,
                    HolderId = account.HolderId ?? string.Empty, Name = account.Name, BalanceFen = account.BalanceFen,
                }, context.CancellationToken);
            }

            if (page.Next is null)
            {
                return;
            }

            remaining -= page.Items.Count;
            after = page.Next;
        }
    }

    public override async Task<VillageStatement> GetVillageStatement(GetVillageStatementRequest request, ServerCallContext context)
    {
        var statement = await VillageStatements.StatementAsync(dataSource, context.GetRegionScope(), request.VillageCode, request.From, request.To,
            ChinaTime.Today(clock), context.CancellationToken);
        var message = new VillageStatement
        {
            VillageCode = statement.VillageCode, From = Day(statement.From), To = Day(statement.To), OpeningBalanceFen = statement.OpeningBalanceFen,
            IncomeFen = statement.IncomeFen, ExpenditureFen = statement.ExpenditureFen, ClosingBalanceFen = statement.ClosingBalanceFen,
        };
        message.Movements.AddRange(statement.Movements.Select(m => new StatementMovement
        {
            EntryId = m.EntryId.ToString(), Date = Day(m.Date), RecordedAt = Time(m.RecordedAt), Kind = m.Kind, Memo = m.Memo, AccountId = m.AccountId.ToString(),
            AccountName = m.AccountName, Programme = m.Programme, AmountFen = m.AmountFen, BalanceAfterFen = m.BalanceAfterFen, RecordedBy = m.RecordedBy,
        }));
        return message;
    }

    public override async Task<Disbursement> GetDisbursement(GetDisbursementRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.Id, out var id))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("id", "invalid_id", "id 须为支付申请的 UUID")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var d = await Disbursements.FindAsync(connection, null, id, context.GetRegionScope(), context.CancellationToken);
        return new Disbursement
        {
            Id = d.Id.ToString(), AccountId = d.AccountId.ToString(), AccountName = d.AccountName, RegionCode = d.RegionCode, AmountFen = d.AmountFen, Payee = d.Payee,
            Purpose = d.Purpose, RequiredLevel = d.RequiredLevel, Status = d.Status, RequestedBy = d.RequestedBy, RequestedAt = Time(d.RequestedAt),
            ApprovedBy = d.ApprovedBy ?? string.Empty, ApprovedAt = Time(d.ApprovedAt), PaidBy = d.PaidBy ?? string.Empty, PaidAt = Time(d.PaidAt),
            EntryId = d.EntryId?.ToString() ?? string.Empty, ReversedBy = d.ReversedBy ?? string.Empty, ReversedAt = Time(d.ReversedAt),
            ReversalReason = d.ReversalReason ?? string.Empty, ReversalEntryId = d.ReversalEntryId?.ToString() ?? string.Empty,
        };
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? moment) => moment?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) ?? string.Empty;
}
