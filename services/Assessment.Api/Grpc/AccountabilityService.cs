using Assessment.Api.Features.Accountability;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;
using AccountabilityContract = Platform.Contracts.Grpc.Assessment.V1.Accountability;
using ConductRule = Platform.Contracts.Grpc.Assessment.V1.ConductRule;

namespace Assessment.Api.Grpc;

/// <summary>
/// assessment.v1.Accountability: converts messages and calls the register's cores (<see cref="RecordEntry"/>,
/// <see cref="RegisterQueries"/>, <see cref="WithdrawEntry"/>, <see cref="ProposalDecisions"/>, <see cref="ConductRules"/>);
/// writes need the organisation departments' policy, as on REST.
/// </summary>
[RegionScoped]
public sealed class AccountabilityService(NpgsqlDataSource dataSource, AccountabilitySubjects subjects, OutboxWriter outbox) : AccountabilityContract.AccountabilityBase
{
    [Authorize(Policy = Policies.ManageForces)]
    public override async Task<AccountabilityEntry> RecordEntry(RecordAccountabilityEntryRequest request, ServerCallContext context)
    {
        var view = await Features.Accountability.RecordEntry.RecordCoreAsync(dataSource, subjects, outbox, context.GetRegionScope(), context.GetUser(),
            new RecordEntryRequest(request.Kind, request.SubjectKind, request.SubjectId, request.Reason, request.Evidence, Optional(request.ConductRule)),
            context.CancellationToken);
        return ToMessage(view);
    }

    public override async Task<AccountabilityEntryPage> ListEntries(ListAccountabilityEntriesRequest request, ServerCallContext context)
    {
        var page = await RegisterQueries.ListCoreAsync(dataSource, context.GetRegionScope(),
            new EntryFilter(request.Prefix, Optional(request.SubjectKind), Optional(request.SubjectId), Optional(request.Kind), request.Year == 0 ? null : request.Year),
            After(request.After), request.Limit == 0 ? null : request.Limit, context.CancellationToken);
        var message = new AccountabilityEntryPage { Next = page.Next?.ToString() ?? string.Empty };
        message.Items.AddRange(page.Items.Select(ToMessage));
        return message;
    }

    public override async Task<AccountabilityEntry> GetEntry(GetAccountabilityEntryRequest request, ServerCallContext context) =>
        ToMessage(await RegisterQueries.GetCoreAsync(dataSource, context.GetRegionScope(), EntryId(request.Id), context.CancellationToken));

    [Authorize(Policy = Policies.ManageForces)]
    public override async Task<AccountabilityEntry> WithdrawEntry(WithdrawAccountabilityEntryRequest request, ServerCallContext context) =>
        ToMessage(await Features.Accountability.WithdrawEntry.WithdrawCoreAsync(dataSource, outbox, context.GetRegionScope(), context.GetUser(), EntryId(request.Id),
            request.Reason, context.CancellationToken));

    public override async Task<AccountabilityProposalPage> ListProposals(ListAccountabilityProposalsRequest request, ServerCallContext context)
    {
        var page = await ProposalDecisions.ListCoreAsync(dataSource, context.GetRegionScope(), request.Prefix, Optional(request.Status), Optional(request.Rule),
            After(request.After), request.Limit == 0 ? null : request.Limit, context.CancellationToken);
        var message = new AccountabilityProposalPage { Next = page.Next?.ToString() ?? string.Empty };
        message.Items.AddRange(page.Items.Select(ToMessage));
        return message;
    }

    [Authorize(Policy = Policies.ManageForces)]
    public override Task<AccountabilityProposal> ConfirmProposal(DecideAccountabilityProposalRequest request, ServerCallContext context) =>
        DecideAsync(request, true, context);

    [Authorize(Policy = Policies.ManageForces)]
    public override Task<AccountabilityProposal> RejectProposal(DecideAccountabilityProposalRequest request, ServerCallContext context) =>
        DecideAsync(request, false, context);

    public override async Task<ConductRuleList> ListConductRules(ListConductRulesRequest request, ServerCallContext context)
    {
        var message = new ConductRuleList();
        message.Rules.AddRange((await ConductRules.ListCoreAsync(dataSource, context.CancellationToken)).Select(r => new ConductRule
        {
            Code = r.Code, Category = r.Category, Ordinal = r.Ordinal, Title = r.Title, Text = r.Text,
        }));
        return message;
    }

    private async Task<AccountabilityProposal> DecideAsync(DecideAccountabilityProposalRequest request, bool confirm, ServerCallContext context)
    {
        // A proposal id that is no UUID names nothing: missing, as on REST (whose route takes only UUIDs).
        var id = Guid.TryParse(request.Id, out var parsed)
            ? parsed
            : throw ApiProblems.NotFound("proposal_not_found", "未找到问责建议").ToException("未找到该问责建议");
        var view = await ProposalDecisions.DecideCoreAsync(dataSource, outbox, context.GetRegionScope(), context.GetUser(), id, confirm,
            new DecideProposalRequest(Optional(request.Reason), request.Evidence), context.CancellationToken);
        return ToMessage(view);
    }

    private static Guid EntryId(string id) => Guid.TryParse(id, out var parsed) ? parsed : throw RegisterQueries.NotFound();

    private static Guid? After(string after) =>
        after.Length == 0 ? null
        : Guid.TryParse(after, out var parsed) ? parsed
        : throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("after", "invalid_uuid", "after 须为上一页的 next")]).ToException();

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    private static string Time(DateTimeOffset? at) => at?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    private static AccountabilityEntry ToMessage(AccountabilityEntryView e)
    {
        var message = new AccountabilityEntry
        {
            Id = e.Id.ToString(), Kind = e.Kind, SubjectKind = e.SubjectKind, SubjectId = e.SubjectId, SubjectName = e.SubjectName, RegionCode = e.RegionCode,
            Reason = e.Reason, DecidedBy = e.DecidedBy, DecidedOn = e.DecidedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            RecordedAt = Time(e.RecordedAt), Source = e.Source, CauseKey = e.CauseKey ?? string.Empty, ProposalId = e.ProposalId?.ToString() ?? string.Empty,
            WithdrawsId = e.WithdrawsId?.ToString() ?? string.Empty, ConductRule = e.ConductRule ?? string.Empty, WithdrawnBy = e.WithdrawnBy?.ToString() ?? string.Empty,
        };
        message.Evidence.AddRange(e.Evidence);
        return message;
    }

    private static AccountabilityProposal ToMessage(ProposalView p)
    {
        var message = new AccountabilityProposal
        {
            Id = p.Id.ToString(), Rule = p.Rule, CauseKey = p.CauseKey, EntryKind = p.EntryKind, SubjectKind = p.SubjectKind, SubjectId = p.SubjectId,
            SubjectName = p.SubjectName, RegionCode = p.RegionCode, Reason = p.Reason, Status = p.Status, ProposedAt = Time(p.ProposedAt),
            DecidedBy = p.DecidedBy ?? string.Empty, DecidedAt = Time(p.DecidedAt), DecisionReason = p.DecisionReason ?? string.Empty,
            EntryId = p.EntryId?.ToString() ?? string.Empty,
        };
        message.Facts.Add(p.Facts.ToDictionary(f => f.Key, f => f.Value));
        return message;
    }
}
