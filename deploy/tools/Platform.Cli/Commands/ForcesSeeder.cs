using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Kiota.Abstractions;
using Platform.ApiClients.Dispatch;
using Platform.ApiClients.Dispatch.Api.Dispatch;
using Platform.ApiClients.Dispatch.Models;
using Platform.Cli.DemoData;
using Platform.Security.PersonalData;

namespace Platform.Cli.Commands;

/// <summary>
/// Loads a <see cref="ForcesPlan"/> through dispatch's API: the unit and cadre files (all or nothing, idempotent), the cadres'
/// ids read back by citizen ID, the assignments as one import file per county (all or nothing; an assignment already there
/// is unchanged, so a re-run creates nothing) and the check-ins dispatch can still accept (a few requests at a time): one
/// older than dispatch's offline window (<see cref="OfflineWindow"/>, the server's clock decides) is counted and not sent.
/// A check-in's id is the same at every run, so dispatch answers 200 for one it already has. Any other failure is an
/// <see cref="UnexpectedAnswerException"/>.
/// </summary>
internal sealed class ForcesSeeder(ServiceClient dispatch, TextWriter output, int concurrency, TimeProvider clock)
{
    /// <summary>The largest page dispatch's cadre list gives.</summary>
    public const int PageSize = 1000;

    /// <summary>
    /// How old a check-in dispatch accepts by default (Attendance:OfflineWindow): older ones are not sent. A dispatch
    /// configured with a shorter window refuses some that are sent (too_old): those are counted with them, not an error.
    /// </summary>
    public static readonly TimeSpan OfflineWindow = TimeSpan.FromHours(48);

    /// <summary>Kept off the window's edge, so that a check-in is not too old by the time its request arrives.</summary>
    public static readonly TimeSpan WindowMargin = TimeSpan.FromMinutes(10);

    /// <summary>How far ahead of its clock dispatch accepts a check-in's time.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Dispatch's default monthly minimum of days on post for resident cadres (domain.md §3).</summary>
    public const int MinimumDaysOnPost = 20;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Runs every step; returns the cadres' ids by citizen ID, or null (after saying why on <paramref name="error"/>) when planned
    /// cadres are missing.
    /// </summary>
    public async Task<Dictionary<string, Guid>?> RunAsync(ForcesPlan plan, string fileSuffix, TextWriter error, CancellationToken cancellationToken)
    {
        var units = await ImportAsync("units", body => Api(dispatch).Units.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = $"demo-units-{fileSuffix}.csv"),
            ForcesCsvWriter.UnitsFile(plan.Units), cancellationToken);
        var cadres = await ImportAsync("cadres", body => Api(dispatch).Cadres.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = $"demo-cadres-{fileSuffix}.csv"),
            ForcesCsvWriter.CadresFile(plan.Cadres), cancellationToken);

        var ids = await ReadCadreIdsAsync(plan, cancellationToken);
        var missing = plan.Cadres.Where(c => !ids.ContainsKey(c.CitizenId)).ToList();
        if (missing.Count > 0)
        {
            await error.WriteLineAsync(string.Create(Invariant,
                $"error: {missing.Count:N0} of {plan.Cadres.Count:N0} imported cadres are not listed by {dispatch.AddressOf(Api(dispatch).Cadres.ToGetRequestInformation())} (first: {CitizenId.Mask(missing[0].CitizenId)}, unit {missing[0].UnitCode})"));
            return null;
        }

        var assignments = await AssignAsync(plan, fileSuffix, cancellationToken);
        var checkIns = await CheckInAsync(plan, ids, cancellationToken);

        await SayAsync(string.Create(Invariant,
            $"summary: units {plan.Units.Count:N0} ({units.Created:N0} created, {units.Updated:N0} updated), cadres {plan.Cadres.Count:N0} ({cadres.Created:N0} created, {cadres.Updated:N0} updated), assignments {plan.Assignments.Count:N0} ({assignments.Created:N0} created, {assignments.Unchanged:N0} unchanged), gaps left {plan.Gaps.Count:N0}, check-ins {plan.CheckIns.Count:N0} ({checkIns.New:N0} new, {checkIns.Already:N0} already recorded, {checkIns.NoPost:N0} without a resident post, {checkIns.TooOld:N0} not sent as older than the offline window)"),
            cancellationToken);
        await SayAsync(string.Create(Invariant,
            $"rates: {plan.CompleteVillages:N0} of {plan.EligibleVillages:N0} villages with all five forces ({Percent(plan.CompleteVillages, plan.EligibleVillages)}); {plan.VillagesPerHolder(ForceCodes.ContactLeader):F1} villages per contact leader, {plan.VillagesPerHolder(ForceCodes.AssistingUnit):F2} per assisting unit, {plan.VillagesPerHolder(ForceCodes.AgriculturalTechnician):F1} per technician; {plan.PeoplePerTeam:F2} people per work team; {Percent(plan.OnPostShare)} of check-ins on post; {plan.CadresBelow(MinimumDaysOnPost):N0} of {plan.CheckIns.Select(c => c.CadreCitizenId).Distinct().Count():N0} cadres checking in are on post fewer than {MinimumDaysOnPost} days"),
            cancellationToken);
        return ids;
    }

    /// <summary>Dispatch's contract, as its generated client describes it (docs/api/openapi/dispatch.json).</summary>
    internal static DispatchRequestBuilder Api(ServiceClient dispatch) => dispatch.Contract(adapter => new DispatchApiClient(adapter)).Api.Dispatch;

    /// <summary>Posts one CSV file (a fresh stream for each attempt); anything but 200 stops the seed.</summary>
    internal static async Task<(ServiceAnswer Answer, ImportResult Result)> PostFileAsync(ServiceClient dispatch, string what, Func<Stream, RequestInformation> request,
        byte[] file, CancellationToken cancellationToken)
    {
        var answer = await dispatch.SendFileAsync(request, file, cancellationToken);
        return answer.Status == HttpStatusCode.OK
            ? (answer, answer.Read(ImportResult.CreateFromDiscriminatorValue))
            : throw new UnexpectedAnswerException($"{what}: POST {answer.Uri}", answer);
    }

    private async Task<ImportResult> ImportAsync(string what, Func<Stream, RequestInformation> request, byte[] file, CancellationToken cancellationToken)
    {
        var (answer, result) = await PostFileAsync(dispatch, what, request, file, cancellationToken);
        await SayAsync(string.Create(Invariant,
            $"{what}: {answer.StatusLine}: {result.Rows:N0} rows, {result.Created:N0} created, {result.Updated:N0} updated, {result.Unchanged:N0} unchanged in {answer.Elapsed.TotalSeconds:F1} s ({file.Length:N0} bytes)"),
            cancellationToken);
        return result;
    }

    /// <summary>Pages through the cadre list under each prefix the plan's units live in; the province token sees IDs in clear.</summary>
    private async Task<Dictionary<string, Guid>> ReadCadreIdsAsync(ForcesPlan plan, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var requests = 0;
        foreach (var prefix in plan.CadreListingPrefixes)
        {
            requests += await ReadCadreIdsAsync(dispatch, prefix, ids, cancellationToken);
        }

        var found = plan.Cadres.Count(c => ids.ContainsKey(c.CitizenId));
        await SayAsync(string.Create(Invariant,
            $"cadres read back: {found:N0} of {plan.Cadres.Count:N0} planned ({ids.Count:N0} listed under {string.Join(", ", plan.CadreListingPrefixes)}) in {requests:N0} requests, {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);
        return ids;
    }

    /// <summary>
    /// Pages through <c>GET /api/dispatch/cadres?prefix=</c> and adds each cadre's id by citizen ID (a province token sees the
    /// IDs in clear); returns the number of requests.
    /// </summary>
    internal static async Task<int> ReadCadreIdsAsync(ServiceClient dispatch, string prefix, Dictionary<string, Guid> ids, CancellationToken cancellationToken)
    {
        var requests = 0;
        Guid? after = null;
        do
        {
            var answer = await dispatch.SendAsync(() => Api(dispatch).Cadres.ToGetRequestInformation(c =>
            {
                c.QueryParameters.Prefix = prefix;
                c.QueryParameters.Limit = PageSize;
                c.QueryParameters.After = after;
            }), cancellationToken);
            requests++;
            if (answer.Status != HttpStatusCode.OK)
            {
                throw new UnexpectedAnswerException($"cadres: GET {answer.Uri}", answer);
            }

            var page = answer.Read(CadrePage.CreateFromDiscriminatorValue);
            foreach (var item in page.Items ?? [])
            {
                ids.TryAdd(CitizenId.Normalize(item.CitizenId!), item.Id!.Value);
            }

            after = page.Next;
        }
        while (after is not null);

        return requests;
    }

    /// <summary>One assignment import per county (the village's first six digits), one after another.</summary>
    private async Task<AssignmentCounts> AssignAsync(ForcesPlan plan, string fileSuffix, CancellationToken cancellationToken)
    {
        int created = 0, unchanged = 0, imports = 0;
        var stopwatch = Stopwatch.StartNew();
        foreach (var county in plan.Assignments.GroupBy(a => a.VillageCode[..6], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var file = ForcesCsvWriter.AssignmentsFile(county);
            var fileName = $"demo-assignments-{county.Key}-{fileSuffix}.csv";
            var (answer, result) = await PostFileAsync(dispatch, "assignments",
                body => Api(dispatch).Assignments.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = fileName), file, cancellationToken);
            created += result.Created ?? 0;
            unchanged += result.Unchanged ?? 0;
            imports++;
            await SayAsync(string.Create(Invariant,
                $"assignments, county {county.Key}: {result.Rows:N0} rows, {result.Created:N0} created, {result.Unchanged:N0} unchanged in {answer.Elapsed.TotalSeconds:F1} s ({file.Length:N0} bytes)"),
                cancellationToken);
        }

        var elapsed = stopwatch.Elapsed.TotalSeconds;
        await SayAsync(string.Create(Invariant,
            $"assignments: {created:N0} created, {unchanged:N0} unchanged; {plan.Gaps.Count:N0} gaps left ({GapsByForce(plan)}) in {elapsed:F1} s ({imports:N0} {(imports == 1 ? "import" : "imports")}, {Rate(plan.Assignments.Count, elapsed)} rows/s)"),
            cancellationToken);
        return new AssignmentCounts(created, unchanged);
    }

    /// <summary>
    /// Sends the check-ins dispatch can still record: its clock decides a check-in's day, and it refuses one older than
    /// <see cref="OfflineWindow"/> (too_old), so those are counted instead of sent (a month back, that is most of them).
    /// </summary>
    private async Task<CheckInCounts> CheckInAsync(ForcesPlan plan, Dictionary<string, Guid> ids, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var oldest = now - OfflineWindow + WindowMargin;
        var latest = now + FutureTolerance;
        var sendable = plan.CheckIns.Where(c => c.At >= oldest && c.At <= latest).ToList();
        var tooOld = plan.CheckIns.Count(c => c.At < oldest);
        var ahead = plan.CheckIns.Count(c => c.At > latest);
        int created = 0, already = 0, noPost = 0, refusedOld = 0;
        var stopwatch = Stopwatch.StartNew();
        await ForEachAsync(sendable, async (checkIn, token) =>
        {
            var request = new CheckInRequest
            {
                Id = checkIn.Id,
                CadreId = ids[checkIn.CadreCitizenId],
                At = checkIn.At,
                Longitude = checkIn.Longitude,
                Latitude = checkIn.Latitude,
                DailyLog = checkIn.DailyLog,
            };
            var answer = await dispatch.SendAsync(() => Api(dispatch).CheckIns.ToPostRequestInformation(request), token);
            switch (answer.Status)
            {
                case HttpStatusCode.Created:
                    Interlocked.Increment(ref created);
                    break;
                case HttpStatusCode.OK:
                    Interlocked.Increment(ref already);
                    break;
                case HttpStatusCode.Conflict when answer.ProblemCode == "no_resident_post":
                    // The cadre's post is held by someone else (an earlier seed with another seed value, or a manual change).
                    Interlocked.Increment(ref noPost);
                    break;
                case HttpStatusCode.BadRequest when answer.ProblemCode == "invalid_check_in" && answer.FieldErrorCodes is ["too_old"]:
                    // Dispatch's offline window is shorter than the default: its clock decides.
                    Interlocked.Increment(ref refusedOld);
                    break;
                default:
                    throw new UnexpectedAnswerException($"check-ins: POST {answer.Uri} (check-in {checkIn.Id} in {checkIn.VillageCode})", answer);
            }
        }, cancellationToken);

        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var sample = plan.CheckIns.Count < plan.PlannedCheckIns ? string.Create(Invariant, $" (a sample of the {plan.PlannedCheckIns:N0} planned)") : string.Empty;
        var skipped = string.Create(Invariant, $"; {tooOld:N0} not sent as older than dispatch's offline window ({OfflineWindow.TotalHours:0} h before {now:yyyy-MM-dd HH:mm} UTC)")
            + (refusedOld > 0 ? string.Create(Invariant, $", {refusedOld:N0} refused by dispatch as older than its own (shorter) window") : string.Empty)
            + (ahead > 0 ? string.Create(Invariant, $", {ahead:N0} not sent as later than now") : string.Empty);
        await SayAsync(string.Create(Invariant,
            $"check-ins for {plan.CheckInMonth:yyyy-MM}{sample}: {created:N0} new, {already:N0} already recorded, {noPost:N0} without a resident post in {elapsed:F1} s ({Rate(sendable.Count, elapsed)} requests/s){skipped}"),
            cancellationToken);
        return new CheckInCounts(created, already, noPost, tooOld + refusedOld);
    }

    private Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, body);

    private async Task SayAsync(string line, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync(cancellationToken);
    }

    private static string GapsByForce(ForcesPlan plan) =>
        string.Join(", ", ForceCodes.VillageCoverage.Select(f => string.Create(Invariant, $"{plan.Gaps.Count(g => g.Force == f)} {f}")));

    private static string Percent(int part, int whole) => Percent(whole == 0 ? 0 : (double)part / whole);

    private static string Percent(double share) => string.Create(Invariant, $"{share * 100:F1}%");

    private static string Rate(int count, double seconds) => string.Create(Invariant, $"{(seconds <= 0 ? 0 : count / seconds):N0}");

    private sealed record AssignmentCounts(int Created, int Unchanged);

    private sealed record CheckInCounts(int New, int Already, int NoPost, int TooOld);
}

