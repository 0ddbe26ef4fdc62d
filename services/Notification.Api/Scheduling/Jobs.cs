using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;

namespace Notification.Api.Scheduling;

/// <summary>
/// Weekly digest (每周摘要) to each county organisation department: the notifications about the county in the seven
/// days before the occurrence, counted by rule. Counties with nothing to report get nothing.
/// </summary>
public sealed class WeeklyDigestJob(JobOccurrenceClaim claim, NotificationWriter writer, QuietHours quietHours) : NotificationJob(claim)
{
    public const string Name = "weekly-digest";

    /// <summary>Mondays at 08:30.</summary>
    public const string DefaultSchedule = "0 30 8 ? * MON";

    protected override async Task<int> WriteAsync(NpgsqlTransaction transaction, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var from = occurrence.AddDays(-7);
        var rows = await transaction.Connection!.QueryAsync<(string County, string Rule, long Count)>(new CommandDefinition(
            """
            SELECT left(region_code, 6) AS county, rule, count(*) FROM notifications
            WHERE created_at >= @from AND created_at < @occurrence AND rule <> 'weekly_digest'
            GROUP BY 1, 2 ORDER BY 1, 2
            """, new { from, occurrence }, transaction, cancellationToken: cancellationToken));
        var produced = 0;
        foreach (var county in rows.GroupBy(r => r.County))
        {
            var summary = TemplateText.Describe(county.Select(r => $"{Rules.All.GetValueOrDefault(r.Rule)?.Name ?? r.Rule} {r.Count} 条"));
            var variables = new Dictionary<string, string>
            {
                ["region"] = county.Key,
                ["from"] = quietHours.ToLocal(from).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["to"] = quietHours.ToLocal(occurrence.AddDays(-1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["summary"] = summary,
            };
            var written = await writer.WriteAsync(transaction,
                new NotificationCause($"job:{Name}:{occurrence.UtcDateTime:O}", Rules.WeeklyDigest, county.Key.PadRight(12, '0'), variables),
                [Address.Org(county.Key)], cancellationToken);
            produced += written.Count(w => w.Created);
        }

        return produced;
    }
}

/// <summary>
/// Coverage gaps still open after Jobs:CoverageGapFollowUpDays: asked again from dispatch; still missing → the county
/// organisation department and the contact county leader are told (once per gap and day); filled → the gap is closed.
/// </summary>
public sealed class CoverageGapFollowUpJob(
    JobOccurrenceClaim claim, RecipientResolver recipients, NotificationWriter writer, QuietHours quietHours, IOptions<NotificationOptions> options)
    : NotificationJob(claim)
{
    public const string Name = "coverage-gap-follow-up";

    /// <summary>Every day at 09:00.</summary>
    public const string DefaultSchedule = "0 0 9 * * ?";

    protected override async Task<int> WriteAsync(NpgsqlTransaction transaction, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(quietHours.ToLocal(occurrence).DateTime);
        var days = options.Value.Jobs.CoverageGapFollowUpDays;
        var connection = transaction.Connection!;
        var gaps = (await connection.QueryAsync<(string VillageCode, string Force, DateTime OpenedOn)>(new CommandDefinition(
            "SELECT village_code, force, opened_on FROM coverage_gaps WHERE closed_on IS NULL AND opened_on <= @due ORDER BY opened_on LIMIT 1000",
            new { due = today.AddDays(-days).ToDateTime(TimeOnly.MinValue) }, transaction, cancellationToken: cancellationToken))).ToList();
        var produced = 0;
        foreach (var village in gaps.GroupBy(g => g.VillageCode))
        {
            var forces = await recipients.GetVillageForcesAsync(village.Key, cancellationToken);
            foreach (var gap in village)
            {
                if (!forces.Missing.Contains(gap.Force))
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE coverage_gaps SET closed_on = @today WHERE village_code = @VillageCode AND force = @Force AND opened_on = @OpenedOn",
                        new { today = today.ToDateTime(TimeOnly.MinValue), gap.VillageCode, gap.Force, gap.OpenedOn }, transaction, cancellationToken: cancellationToken));
                    continue;
                }

                var to = new List<string> { Address.CountyOrg(gap.VillageCode) };
                if (forces.ContactLeader() is { } leader)
                {
                    to.Add(Address.Cadre(leader.Id));
                }

                var variables = new Dictionary<string, string>
                {
                    ["villageCode"] = gap.VillageCode, ["forceName"] = Rules.ForceName(gap.Force),
                    ["days"] = (today.DayNumber - DateOnly.FromDateTime(gap.OpenedOn).DayNumber).ToString(CultureInfo.InvariantCulture),
                    ["openedOn"] = gap.OpenedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                };
                var written = await writer.WriteAsync(transaction,
                    new NotificationCause($"job:{Name}:{today:yyyy-MM-dd}:{gap.VillageCode}:{gap.Force}", Rules.CoverageGapStillOpen, gap.VillageCode, variables),
                    to, cancellationToken);
                produced += written.Count(w => w.Created);
            }
        }

        return produced;
    }
}

/// <summary>
/// Morning reminder (打卡提醒) to each resident cadre on post today with no check-in yet, where the county has check-in
/// enabled (dispatch decides, over gRPC: ListMissingCheckIns). The occurrence's time is the deadline shown in the text.
/// </summary>
public sealed class CheckInReminderJob(JobOccurrenceClaim claim, RecipientResolver recipients, NotificationWriter writer, QuietHours quietHours)
    : NotificationJob(claim)
{
    public const string Name = "check-in-reminder";

    /// <summary>Every day at 09:30.</summary>
    public const string DefaultSchedule = "0 30 9 * * ?";

    protected override async Task<int> WriteAsync(NpgsqlTransaction transaction, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var local = quietHours.ToLocal(occurrence);
        var day = DateOnly.FromDateTime(local.DateTime);
        var produced = 0;
        foreach (var cadre in await recipients.ListMissingCheckInsAsync(day, cancellationToken))
        {
            var variables = new Dictionary<string, string>
            {
                ["cadreName"] = cadre.CadreName, ["date"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["villageCode"] = cadre.VillageCode,
                ["deadline"] = local.ToString("HH:mm", CultureInfo.InvariantCulture),
            };
            var written = await writer.WriteAsync(transaction,
                new NotificationCause($"job:{Name}:{day:yyyy-MM-dd}", Rules.CheckInMissing, cadre.VillageCode, variables), [Address.Cadre(Guid.Parse(cadre.CadreId))],
                cancellationToken);
            produced += written.Count(w => w.Created);
        }

        return produced;
    }
}

/// <summary>
/// Monthly reminder (每月联系提醒) to each helper whose households have had no call or visit yet this month (pairing
/// decides, over gRPC: ListUncontactedHouseholds): one message per helper naming the households. Scheduled before the
/// month ends, so the helper can still make the contact; overdue households are told about separately once the month is over.
/// </summary>
public sealed class ContactReminderJob(JobOccurrenceClaim claim, RecipientResolver recipients, NotificationWriter writer, QuietHours quietHours)
    : NotificationJob(claim)
{
    public const string Name = "contact-reminder";

    /// <summary>The 20th of every month at 09:00.</summary>
    public const string DefaultSchedule = "0 0 9 20 * ?";

    protected override async Task<int> WriteAsync(NpgsqlTransaction transaction, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(quietHours.ToLocal(occurrence).DateTime);
        var produced = 0;
        foreach (var helper in (await recipients.ListUncontactedHouseholdsAsync(day, cancellationToken)).GroupBy(h => h.HelperCadreId))
        {
            var households = helper.ToList();
            var variables = new Dictionary<string, string>
            {
                ["helperName"] = households[0].HelperName,
                ["count"] = households.Count.ToString(CultureInfo.InvariantCulture),
                ["month"] = day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                ["households"] = TemplateText.Describe(households.Select(h => h.HeadName)),
            };
            // The region is the helper's first household's village, so the county's scope sees the reminder.
            var written = await writer.WriteAsync(transaction,
                new NotificationCause($"job:{Name}:{day:yyyy-MM}", Rules.ContactReminder, households[0].VillageCode, variables),
                [Address.Cadre(Guid.Parse(helper.Key))], cancellationToken);
            produced += written.Count(w => w.Created);
        }

        return produced;
    }
}
