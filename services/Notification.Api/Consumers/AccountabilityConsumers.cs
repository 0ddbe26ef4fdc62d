using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Assessment.V1;

namespace Notification.Api.Consumers;

/// <summary>
/// An entry of the accountability register (问责台账): the notice of its kind (通报批评, 约谈, 诫勉谈话, 免职建议, 表扬, 违反禁令/纪律,
/// 撤销) to the organisation department of the subject's region (its county's, or the city's or province's for a unit above a
/// county) and, for a cadre, the cadre; for a unit or its head, the unit. Once per entry (the inbox, then the entry's id as
/// the cause).
/// </summary>
public sealed class AccountabilityEntryRecordedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<AccountabilityEntryRecordedConsumer> logger)
    : NotifyingConsumer<AccountabilityEntryRecorded, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(AccountabilityEntryRecorded message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(AccountabilityEntryRecorded message) => message.RecordedAt;

    protected override Task<bool> PlanAsync(AccountabilityEntryRecorded message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, AccountabilityEntryRecorded m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (Rule(m.Kind) is not { } rule)
        {
            return Task.CompletedTask;
        }

        var recipients = new List<string> { Address.Org(AccountabilityNotices.DecidingOrg(m.RegionCode)) };
        if (m.SubjectKind == "cadre" && Guid.TryParse(m.SubjectId, out var cadre))
        {
            recipients.Add(Address.Cadre(cadre));
        }
        else if (m.SubjectKind is "assisting_unit" or "unit_head")
        {
            recipients.Add(Address.Unit(m.SubjectId));
        }

        var variables = new Dictionary<string, string>
        {
            ["subjectName"] = m.SubjectName, ["subjectKind"] = AccountabilityNotices.SubjectKindName(m.SubjectKind), ["reason"] = m.Reason,
            ["decidedOn"] = D(m.DecidedOn), ["kind"] = m.Kind, ["evidence"] = string.Join("；", m.Evidence),
        };
        if (m.ConductRule is not null)
        {
            variables["conductRule"] = m.ConductRuleTitle is { } title ? $"“{title}”（{m.ConductRule}）" : m.ConductRule;
        }

        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(m.EntryId.ToString(), rule, m.RegionCode, variables), recipients, cancellationToken);
    }

    private static string? Rule(string kind) => kind switch
    {
        "criticism_bulletin" => Rules.AccountabilityBulletin,
        "talk" => Rules.AccountabilityTalk,
        "admonishment" => Rules.AccountabilityAdmonishment,
        "removal_proposal" => Rules.AccountabilityRemoval,
        "commendation" => Rules.AccountabilityCommendation,
        "conduct_violation" => Rules.AccountabilityConductViolation,
        "withdrawal" => Rules.AccountabilityWithdrawal,
        _ => null,
    };
}

public sealed class AccountabilityEntryRecordedConsumerDefinition : NotificationConsumerDefinition<AccountabilityEntryRecordedConsumer>;

/// <summary>A rule's proposal awaiting a decision: to the deciding organisation department (the subject's region's). Once per proposal.</summary>
public sealed class AccountabilityProposedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<AccountabilityProposedConsumer> logger)
    : NotifyingConsumer<AccountabilityProposed, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(AccountabilityProposed message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(AccountabilityProposed message) => message.ProposedAt;

    protected override Task<bool> PlanAsync(AccountabilityProposed message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, AccountabilityProposed m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["subjectName"] = m.SubjectName, ["entryKind"] = AccountabilityNotices.EntryKindName(m.EntryKind), ["reason"] = m.Reason, ["rule"] = m.Rule,
            ["subjectKind"] = AccountabilityNotices.SubjectKindName(m.SubjectKind),
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(m.ProposalId.ToString(), Rules.AccountabilityProposed, m.RegionCode, variables),
            [Address.Org(AccountabilityNotices.DecidingOrg(m.RegionCode))], cancellationToken);
    }
}

public sealed class AccountabilityProposedConsumerDefinition : NotificationConsumerDefinition<AccountabilityProposedConsumer>;

/// <summary>Names and addressees of the register's notices.</summary>
public static class AccountabilityNotices
{
    /// <summary>
    /// The organisation department that decides for a subject's 12-digit region: its county's; for a unit of a city or of
    /// the province (511700000000, 510000000000), the city's or the province's.
    /// </summary>
    public static string DecidingOrg(string regionCode) =>
        regionCode.Length < 6 ? regionCode
        : regionCode[2..6] == "0000" ? regionCode[..2]
        : regionCode[4..6] == "00" ? regionCode[..4]
        : regionCode[..6];

    public static string EntryKindName(string kind) => kind switch
    {
        "criticism_bulletin" => "通报批评",
        "talk" => "约谈",
        "admonishment" => "诫勉谈话",
        "removal_proposal" => "免职建议",
        "commendation" => "表扬",
        "conduct_violation" => "违反禁令/纪律记录",
        "withdrawal" => "撤销",
        _ => kind,
    };

    public static string SubjectKindName(string kind) => kind switch
    {
        "cadre" => "干部",
        "assisting_unit" => "帮扶单位",
        "unit_head" => "单位主要负责人",
        "county" => "县（市、区）",
        "township" => "乡镇",
        "township_secretary" => "乡镇党委书记",
        "work_team" => "驻村工作队",
        _ => kind,
    };
}
