using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>What the data under a region prefix looks like, table by table: rows and a checksum of their content.</summary>
public sealed record Fingerprint(IReadOnlyDictionary<string, (long Rows, string Sum)> Tables)
{
    public string Sum => string.Join(";", Tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value.Sum}"));

    public long Rows => Tables.Values.Sum(t => t.Rows);

    /// <summary>The tables whose rows or content differ, with their row counts before and after.</summary>
    public IReadOnlyList<string> Changes(Fingerprint after) =>
        Tables.Where(t => !after.Tables.TryGetValue(t.Key, out var a) || a.Sum != t.Value.Sum)
            .Select(t => $"{t.Key} ({t.Value.Rows} -> {(after.Tables.TryGetValue(t.Key, out var a) ? a.Rows : 0)} rows)")
            .ToList();
}

/// <summary>
/// The records of a region (a division-code prefix; empty: everything) read straight from the four databases, and
/// the records elsewhere that use them (an assignment of that region's cadre in another village, a pairing with its
/// cadre): a write that lands outside a caller's scope changes one of these. Columns that only the services' own
/// background work changes (delivery attempts and states, in-app delivery times) are left out; a replay still shows
/// (a new give-up time).
/// </summary>
public sealed class OutsideData(TestDatabase dispatch, TestDatabase pairing, TestDatabase notification, TestDatabase assessment, TestDatabase funds,
    IReadOnlyList<Guid> nearCadres, IReadOnlyList<Guid> farCadres)
{
    // Every query takes @p (the prefix) and @cadres (the cadre ids of the region, which pairing and notification do not know by region).
    private static readonly (string Name, string Sql)[] DispatchTables =
    [
        ("dispatch.regions", "SELECT r::text FROM regions r WHERE starts_with(r.code, @p)"),
        ("dispatch.village_category_changes", "SELECT x::text FROM village_category_changes x WHERE starts_with(x.village_code, @p)"),
        ("dispatch.assisting_units", "SELECT u::text FROM assisting_units u WHERE starts_with(u.region_code, @p)"),
        ("dispatch.cadres", "SELECT c.id::text || c.name || c.unit_id::text || c.region_code || c.rank || c.willingness || c.updated_at::text FROM cadres c WHERE starts_with(c.region_code, @p) OR c.id = ANY(@cadres)"),
        ("dispatch.assignments", """
            SELECT a::text FROM assignments a WHERE starts_with(a.village_code, @p) OR a.cadre_id = ANY(@cadres)
                OR a.unit_id IN (SELECT id FROM assisting_units WHERE starts_with(region_code, @p))
            """),
        ("dispatch.check_ins", "SELECT x::text FROM check_ins x WHERE starts_with(x.village_code, @p) OR x.cadre_id = ANY(@cadres)"),
        ("dispatch.leave_requests", "SELECT x::text FROM leave_requests x WHERE starts_with(x.village_code, @p) OR x.cadre_id = ANY(@cadres)"),
        ("dispatch.inspections", "SELECT x::text FROM inspections x WHERE starts_with(x.village_code, @p) OR x.cadre_id = ANY(@cadres)"),
        ("dispatch.process_records", "SELECT x::text FROM process_records x WHERE starts_with(x.village_code, @p) OR x.cadre_id = ANY(@cadres)"),
        ("dispatch.attendance_settings", "SELECT x::text FROM attendance_settings x WHERE starts_with(x.county_code, @p)"),
        ("dispatch.service_centre_ratings", "SELECT x::text FROM service_centre_ratings x WHERE starts_with(x.village_code, @p)"),
        ("dispatch.rectifications", "SELECT x::text FROM rectifications x WHERE starts_with(x.village_code, @p)"),
        ("dispatch.village_people", "SELECT x::text FROM village_people x WHERE starts_with(x.village_code, @p)"),
        ("dispatch.village_committee_posts", "SELECT x::text FROM village_committee_posts x WHERE starts_with(x.village_code, @p)"),
        ("dispatch.village_cadre_pay", "SELECT y::text FROM village_cadre_pay y JOIN village_people x ON x.id = y.person_id WHERE starts_with(x.village_code, @p)"),
        ("dispatch.talent_steps", "SELECT s::text FROM talent_steps s JOIN village_people x ON x.id = s.person_id WHERE starts_with(x.village_code, @p)"),
        ("dispatch.point_rules", "SELECT x::text FROM point_rules x WHERE starts_with(x.region_code, @p)"),
        ("dispatch.member_points", "SELECT x::text FROM member_points x WHERE starts_with(x.village_code, @p)"),
        ("dispatch.township_postings", "SELECT x::text FROM township_postings x WHERE starts_with(x.township_code, @p) OR x.cadre_id = ANY(@cadres)"),
        ("dispatch.joint_committees", "SELECT x::text FROM joint_committees x WHERE starts_with(x.county_code, @p)"),
        ("dispatch.joint_committee_villages", "SELECT x::text FROM joint_committee_villages x WHERE starts_with(x.village_code, @p)"),
        ("dispatch.rectification_problems", "SELECT p::text FROM rectification_problems p JOIN rectifications x ON x.id = p.rectification_id WHERE starts_with(x.village_code, @p)"),
    ];

    private static readonly (string Name, string Sql)[] PairingTables =
    [
        ("pairing.villages", "SELECT x::text FROM villages x WHERE starts_with(x.code, @p)"),
        ("pairing.village_category_history", "SELECT x::text FROM village_category_history x WHERE starts_with(x.village_code, @p)"),
        ("pairing.households", "SELECT h.id::text || h.village_code || h.head_name || h.members || h.status || h.updated_at::text FROM households h WHERE starts_with(h.village_code, @p)"),
        ("pairing.household_status_changes", "SELECT x::text FROM household_status_changes x JOIN households h ON h.id = x.household_id WHERE starts_with(h.village_code, @p)"),
        ("pairing.pairings", "SELECT p::text FROM pairings p JOIN households h ON h.id = p.household_id WHERE starts_with(h.village_code, @p) OR p.cadre_id = ANY(@cadres)"),
        ("pairing.helpers", "SELECT x::text FROM helpers x WHERE starts_with(x.region_code, @p) OR x.cadre_id = ANY(@cadres)"),
        ("pairing.contact_records", """
            SELECT c::text FROM contact_records c JOIN households h ON h.id = c.household_id WHERE starts_with(h.village_code, @p) OR c.cadre_id = ANY(@cadres)
            """),
        ("pairing.overdue_notices", "SELECT o::text FROM overdue_notices o JOIN households h ON h.id = o.household_id WHERE starts_with(h.village_code, @p)"),
        ("pairing.unit_villages", "SELECT x::text FROM unit_villages x WHERE starts_with(x.village_code, @p)"),
        // A run over the region, or over a wider region that covers it (a county must not touch the city's run).
        ("pairing.matching_runs", "SELECT r::text FROM matching_runs r WHERE starts_with(r.region_prefix, @p) OR starts_with(@p, r.region_prefix)"),
        ("pairing.monitoring_cases", "SELECT x::text FROM monitoring_cases x WHERE starts_with(x.village_code, @p)"),
        ("pairing.monitoring_measures", """
            SELECT m::text FROM monitoring_measures m JOIN monitoring_cases x ON x.id = m.case_id WHERE starts_with(x.village_code, @p) OR m.helper_cadre_id = ANY(@cadres)
            """),
        ("pairing.risk_reports", "SELECT r::text FROM risk_reports r JOIN households h ON h.id = r.household_id WHERE starts_with(h.village_code, @p)"),
        // A province's line is every county's of it: no county may set it.
        ("pairing.monitoring_lines", "SELECT x::text FROM monitoring_lines x WHERE starts_with(x.province_code, @p) OR starts_with(@p, x.province_code)"),
        ("pairing.matching_proposals", "SELECT x::text FROM matching_proposals x WHERE starts_with(x.village_code, @p) OR x.cadre_id = ANY(@cadres)"),
    ];

    private static readonly (string Name, string Sql)[] NotificationTables =
    [
        ("notification.notifications", """
            SELECT n.id::text || n.cause_key || n.recipient || n.region_code || n.title || n.body || coalesce(n.read_at::text, '-') FROM notifications n
            WHERE starts_with(n.region_code, @p) OR n.recipient = ANY(SELECT 'cadre:' || unnest(@cadres)::text) OR starts_with(n.recipient, 'org:' || @p)
            """),
        ("notification.deliveries", """
            SELECT d.id::text || d.channel || d.address || d.region_code || coalesce(d.subscription_id::text, '-') || coalesce(d.notification_id::text, '-') || d.give_up_at::text
            FROM deliveries d WHERE starts_with(d.region_code, @p)
               OR d.subscription_id IN (SELECT id FROM subscriptions WHERE starts_with(region_prefix, @p) OR starts_with(@p, region_prefix))
            """),
        ("notification.subscriptions", "SELECT s::text FROM subscriptions s WHERE starts_with(s.region_prefix, @p) OR starts_with(@p, s.region_prefix)"),
        ("notification.coverage_gaps", "SELECT x::text FROM coverage_gaps x WHERE starts_with(x.village_code, @p)"),
    ];

    // Assessment's copies and results: a county's run collects and scores its own county only, and never re-ranks its city.
    private static readonly (string Name, string Sql)[] AssessmentTables =
    [
        ("assessment.model_versions", "SELECT m.id::text || m.year || m.region_code || m.version FROM model_versions m WHERE m.region_code <> '' AND starts_with(m.region_code, @p)"),
        ("assessment.task_lists", "SELECT x::text FROM task_lists x WHERE starts_with(x.county_code, @p)"),
        ("assessment.tasks", "SELECT x::text FROM tasks x WHERE starts_with(x.county_code, @p)"),
        ("assessment.scoring_runs", "SELECT x.id::text || x.month || x.prefix || coalesce(x.reason, '-') FROM scoring_runs x WHERE x.prefix <> '' AND starts_with(x.prefix, @p)"),
        ("assessment.scores", "SELECT x.id::text || x.subject_kind || x.subject_id || x.subject_name || x.version || x.total FROM scores x WHERE starts_with(x.region_code, @p)"),
        ("assessment.rankings", "SELECT x::text FROM rankings x WHERE starts_with(x.region_code, @p)"),
        ("assessment.red_flags", "SELECT x::text FROM red_flags x WHERE starts_with(x.region_code, @p)"),
        ("assessment.yellow_cards", "SELECT x::text FROM yellow_cards x WHERE starts_with(x.region_code, @p)"),
        ("assessment.accountability_entries", "SELECT x::text FROM accountability_entries x WHERE starts_with(x.region_code, @p)"),
        ("assessment.accountability_proposals", "SELECT x::text FROM accountability_proposals x WHERE starts_with(x.region_code, @p)"),
        ("assessment.month_models", "SELECT x::text FROM month_models x WHERE starts_with(x.county_code, @p)"),
        ("assessment.attendance_facts", "SELECT x.id::text || x.month || x.cadre_name || x.on_post_days || x.off_post_check_ins FROM attendance_facts x WHERE starts_with(x.village_code, @p)"),
        ("assessment.region_names", "SELECT x.code || x.name FROM region_names x WHERE starts_with(x.code, @p)"),
        ("assessment.unit_names", "SELECT x.code || x.name FROM unit_names x WHERE starts_with(x.region_code, @p)"),
        ("assessment.complaints", "SELECT x::text FROM complaints x WHERE starts_with(x.region_code, @p)"),
        ("assessment.complaint_replies", "SELECT r::text FROM complaint_replies r JOIN complaints c ON c.id = r.complaint_id WHERE starts_with(c.region_code, @p)"),
        ("assessment.satisfaction_surveys", "SELECT x::text FROM satisfaction_surveys x WHERE starts_with(x.village_code, @p) OR starts_with(x.subject_region_code, @p)"),
        ("assessment.satisfaction_responses", """
            SELECT r::text FROM satisfaction_responses r JOIN satisfaction_surveys s ON s.id = r.survey_id WHERE starts_with(s.village_code, @p)
            """),
        ("assessment.annual_targets", "SELECT x::text FROM annual_targets x WHERE starts_with(x.county_code, @p)"),
        ("assessment.county_vetoes", "SELECT x::text FROM county_vetoes x WHERE starts_with(x.county_code, @p)"),
        ("assessment.village_exit_plans", "SELECT x::text FROM village_exit_plans x WHERE starts_with(x.village_code, @p)"),
        ("assessment.village_exit_checks", "SELECT x::text FROM village_exit_checks x WHERE starts_with(x.village_code, @p)"),
        ("assessment.annual_reports", "SELECT x::text FROM annual_reports x WHERE x.cadre_id = ANY(@cadres)"),
        ("assessment.annual_review_scores", "SELECT x::text FROM annual_review_scores x WHERE x.cadre_id = ANY(@cadres)"),
        ("assessment.annual_grades", "SELECT x::text FROM annual_grades x WHERE starts_with(x.village_code, @p) OR x.cadre_id = ANY(@cadres)"),
        ("assessment.funds_execution_facts", "SELECT x::text FROM funds_execution_facts x WHERE starts_with(x.region_code, @p)"),
        ("assessment.rectification_facts", "SELECT x::text FROM rectification_facts x WHERE starts_with(x.village_code, @p)"),
        ("assessment.monitoring_overdue_facts", "SELECT x::text FROM monitoring_overdue_facts x WHERE starts_with(x.village_code, @p)"),
    ];

    private static readonly (string Name, string Sql)[] FundsTables =
    [
        ("funds.fund_standards", "SELECT x::text FROM fund_standards x WHERE x.region_code <> '' AND starts_with(x.region_code, @p)"),
        ("funds.accounts", "SELECT x::text FROM accounts x WHERE starts_with(x.region_code, @p)"),
        ("funds.ledger_entries", "SELECT x::text FROM ledger_entries x WHERE starts_with(x.region_code, @p)"),
        ("funds.ledger_lines", "SELECT l::text FROM ledger_lines l JOIN accounts a ON a.id = l.account_id WHERE starts_with(a.region_code, @p)"),
        ("funds.allocation_runs", "SELECT x::text FROM allocation_runs x WHERE starts_with(x.county_code, @p)"),
        ("funds.allocation_lines", "SELECT x::text FROM allocation_lines x WHERE starts_with(x.village_code, @p)"),
        ("funds.disbursements", "SELECT x::text FROM disbursements x WHERE starts_with(x.region_code, @p)"),
        ("funds.loans", "SELECT x::text FROM loans x WHERE starts_with(x.region_code, @p)"),
        ("funds.loan_installments", "SELECT x::text FROM loan_installments x JOIN loans l ON l.id = x.loan_id WHERE starts_with(l.region_code, @p)"),
        ("funds.loan_repayments", "SELECT x::text FROM loan_repayments x JOIN loans l ON l.id = x.loan_id WHERE starts_with(l.region_code, @p)"),
        ("funds.loan_overdue_notices", "SELECT x::text FROM loan_overdue_notices x JOIN loans l ON l.id = x.loan_id WHERE starts_with(l.region_code, @p)"),
        ("funds.execution_rate_publications", "SELECT x::text FROM execution_rate_publications x WHERE starts_with(x.county_code, @p)"),
        ("funds.allocation_changes", "SELECT x::text FROM allocation_changes x WHERE starts_with(x.village_code, @p)"),
        ("funds.allocation_change_lines", "SELECT x::text FROM allocation_change_lines x WHERE starts_with(x.village_code, @p)"),
        ("funds.funded_assignments", "SELECT x::text FROM funded_assignments x WHERE starts_with(x.village_code, @p)"),
        ("funds.village_category_changes", "SELECT x::text FROM village_category_changes x WHERE starts_with(x.village_code, @p)"),
    ];

    /// <summary>The data of <paramref name="prefix"/>: 511703 for the far county, empty for every record of both counties.</summary>
    public async Task<Fingerprint> FingerprintAsync(string prefix)
    {
        var cadres = (prefix.Length == 0 ? nearCadres.Concat(farCadres) : prefix == "511703" ? farCadres : nearCadres).ToArray();
        var tables = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var (database, queries) in new[] { (dispatch, DispatchTables), (pairing, PairingTables), (notification, NotificationTables), (assessment, AssessmentTables), (funds, FundsTables) })
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            // One round trip per database: each table's row count and md5 of its sorted rows.
            var sql = string.Join("\nUNION ALL\n", queries.Select((q, i) =>
                $"SELECT {i} AS n, count(*) AS rows, coalesce(md5(string_agg(t, '|' ORDER BY t)), '') AS sum FROM ({q.Sql}) AS q(t)"));
            foreach (var row in await connection.QueryAsync<(int N, long Rows, string Sum)>(sql, new { p = prefix, cadres }))
            {
                tables[queries[row.N].Name] = (row.Rows, row.Sum);
            }
        }

        return new Fingerprint(tables);
    }
}
