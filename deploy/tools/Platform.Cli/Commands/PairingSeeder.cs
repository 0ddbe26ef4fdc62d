using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Platform.Cli.DemoData;
using Platform.Security.PersonalData;

namespace Platform.Cli.Commands;

/// <summary>
/// Loads a <see cref="HouseholdPlan"/> through pairing's API: the household file (retried while pairing has not yet learnt the
/// villages from dispatch's events), the households' ids read back by the head's citizen ID, the helpers and, for the pairings
/// created in this run only (contacts are not idempotent), a month of contacts. A 409 on a pairing means it is already there.
/// </summary>
internal sealed class PairingSeeder(DispatchClient pairing, TextWriter output, int concurrency, TimeSpan pollDelay, TimeSpan pollTimeout)
{
    public const string ImportPath = "api/pairing/households/import";
    public const string ListPath = "api/pairing/households";
    public const string PoolPath = "api/pairing/helpers";
    public const int PageSize = 1000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Runs every step; returns false (after saying why on <paramref name="error"/>) when imported households are missing.</summary>
    public async Task<bool> RunAsync(HouseholdPlan plan, IReadOnlyDictionary<string, Guid> cadreIds, string fileSuffix, TextWriter error, CancellationToken cancellationToken)
    {
        var import = await ImportAsync(plan, fileSuffix, cancellationToken);
        var ids = await ReadHouseholdIdsAsync(plan, cancellationToken);
        var missing = plan.Households.Count(h => !ids.ContainsKey(h.HeadCitizenId));
        if (missing > 0)
        {
            await error.WriteLineAsync(string.Create(Invariant, $"error: {missing:N0} of {plan.Households.Count:N0} imported households are not listed by {pairing.Endpoint(ListPath)}"));
            return false;
        }

        // The helper pool the matcher draws from: every helper cadre, registered again on a re-seed (an upsert).
        var stopwatch = Stopwatch.StartNew();
        var helperCadres = plan.Pairings.Select(p => cadreIds[p.CadreCitizenId]).Distinct().ToList();
        await ForEachAsync(helperCadres, async (cadreId, token) =>
        {
            var endpoint = pairing.Endpoint(PoolPath);
            var answer = await pairing.PostJsonAsync(endpoint, new RegisterHelperRequest(cadreId), token);
            if (!answer.IsSuccess)
            {
                throw new UnexpectedAnswerException($"helper pool: POST {endpoint}", answer);
            }
        }, cancellationToken);
        await SayAsync(string.Create(Invariant, $"helper pool: {helperCadres.Count:N0} cadres registered in {stopwatch.Elapsed.TotalSeconds:F1} s"), cancellationToken);

        // Pairings.
        var created = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var conflicts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        stopwatch.Restart();
        await ForEachAsync(plan.Pairings, async (p, token) =>
        {
            var endpoint = pairing.Endpoint($"{ListPath}/{ids[p.HouseholdCitizenId]}/helpers");
            var answer = await pairing.PostJsonAsync(endpoint, new HelperRequest(cadreIds[p.CadreCitizenId], "responsible", p.StartsOn), token);
            switch (answer.Status)
            {
                case HttpStatusCode.Created or HttpStatusCode.OK:
                    created[p.HouseholdCitizenId] = true;
                    break;
                case HttpStatusCode.Conflict when answer.ProblemCode is "household_has_helper" or "already_paired" or "helper_load_full":
                    conflicts.AddOrUpdate(answer.ProblemCode!, 1, (_, n) => n + 1);
                    break;
                default:
                    throw new UnexpectedAnswerException($"helpers: POST {endpoint}", answer);
            }
        }, cancellationToken);
        var detail = conflicts.IsEmpty ? string.Empty : $" ({string.Join(", ", conflicts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Create(Invariant, $"{c.Value:N0} {c.Key}")))})";
        await SayAsync(string.Create(Invariant,
            $"helpers: {created.Count:N0} created, {conflicts.Values.Sum():N0} already there{detail}; {plan.Helpers:N0} helpers, {plan.HouseholdsPerHelper:F2} households each, {plan.Unpaired:N0} households left without one in {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);

        // Contacts, only for the pairings made now: a re-seed adds none.
        var contacts = plan.Contacts.Where(c => created.ContainsKey(c.HouseholdCitizenId)).ToList();
        var sent = 0;
        stopwatch.Restart();
        await ForEachAsync(contacts, async (c, token) =>
        {
            var endpoint = pairing.Endpoint($"{ListPath}/{ids[c.HouseholdCitizenId]}/contacts");
            var answer = await pairing.PostJsonAsync(endpoint,
                new ContactRequest(cadreIds[c.CadreCitizenId], c.Kind, c.ContactedOn, c.Longitude, c.Latitude, c.Measures), token);
            if (!answer.IsSuccess)
            {
                throw new UnexpectedAnswerException($"contacts: POST {endpoint}", answer);
            }

            Interlocked.Increment(ref sent);
        }, cancellationToken);
        await SayAsync(string.Create(Invariant,
            $"contacts for {plan.ContactMonth:yyyy-MM}: {sent:N0} new ({contacts.Count(c => c.Kind == "visit"):N0} visits) of {plan.Contacts.Count:N0} planned, skipped for pairings already there, in {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);

        await SayAsync(string.Create(Invariant,
            $"summary: households {plan.Households.Count:N0} of {plan.PlannedHouseholds:N0} poor households ({import.Created:N0} created, {import.Updated:N0} updated), helpers {plan.Pairings.Count:N0} ({created.Count:N0} created, {conflicts.Values.Sum():N0} already there), without helper {plan.Unpaired:N0} ({Percent(plan.Unpaired, plan.Households.Count)}), contacts {sent:N0} new for {plan.ContactMonth:yyyy-MM}"),
            cancellationToken);
        return true;
    }

    /// <summary>Imports the file, again every <c>pollDelay</c> while pairing does not yet know some villages (its events lag dispatch).</summary>
    private async Task<HouseholdImportAnswer> ImportAsync(HouseholdPlan plan, string fileSuffix, CancellationToken cancellationToken)
    {
        var endpoint = pairing.Endpoint($"{ImportPath}?fileName={Uri.EscapeDataString($"demo-households-{fileSuffix}.csv")}");
        var file = HouseholdGenerator.HouseholdsFile(plan.Households);
        var stopwatch = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var answer = await pairing.PostCsvAsync(endpoint, file, cancellationToken);
            if (answer.Status == HttpStatusCode.OK)
            {
                var result = answer.Read<HouseholdImportAnswer>();
                await SayAsync(string.Create(Invariant,
                    $"households: {answer.StatusLine}: {result.Rows:N0} rows, {result.Created:N0} created, {result.Updated:N0} updated, {result.Unchanged:N0} unchanged in {answer.Elapsed.TotalSeconds:F1} s ({file.Length:N0} bytes, attempt {attempt})"),
                    cancellationToken);
                return result;
            }

            if (answer.Status != HttpStatusCode.UnprocessableEntity || !IsUnknownVillage(answer) || stopwatch.Elapsed + pollDelay > pollTimeout)
            {
                throw new UnexpectedAnswerException($"households: POST {endpoint}", answer);
            }

            await SayAsync(string.Create(Invariant, $"households: pairing does not know every village yet; retry in {pollDelay.TotalSeconds:0.#} s"), cancellationToken);
            await Task.Delay(pollDelay, cancellationToken);
        }
    }

    /// <summary>The problem's code, or that of any of its field errors, is <c>unknown_village</c>.</summary>
    private static bool IsUnknownVillage(DispatchAnswer answer)
    {
        if (answer.ProblemCode == "unknown_village")
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                   && errors.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var code)
                                                       && code.ValueKind == JsonValueKind.String && code.GetString() == "unknown_village");
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<Dictionary<string, Guid>> ReadHouseholdIdsAsync(HouseholdPlan plan, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var requests = 0;
        string? after = null;
        do
        {
            var endpoint = pairing.Endpoint(string.Create(Invariant,
                $"{ListPath}?limit={PageSize}{(after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after))}"));
            var answer = await pairing.GetAsync(endpoint, cancellationToken);
            requests++;
            if (answer.Status != HttpStatusCode.OK)
            {
                throw new UnexpectedAnswerException($"households: GET {endpoint}", answer);
            }

            var page = answer.Read<HouseholdPage>();
            foreach (var item in page.Items)
            {
                if (CitizenId.IsValid(item.HeadCitizenId))
                {
                    ids.TryAdd(CitizenId.Normalize(item.HeadCitizenId), item.Id);
                }
            }

            after = page.Next;
        }
        while (after is not null);

        await SayAsync(string.Create(Invariant,
            $"households read back: {plan.Households.Count(h => ids.ContainsKey(h.HeadCitizenId)):N0} of {plan.Households.Count:N0} planned ({ids.Count:N0} listed) in {requests:N0} requests, {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);
        return ids;
    }

    private Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, body);

    private async Task SayAsync(string line, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync(cancellationToken);
    }

    private static string Percent(int part, int whole) => string.Create(Invariant, $"{(whole == 0 ? 0 : 100.0 * part / whole):F1}%");
}

/// <summary>Pairing's answer to the household import.</summary>
internal sealed record HouseholdImportAnswer(int Rows, int Created, int Updated, int Unchanged);

/// <summary>One page of <c>GET /api/pairing/households</c>: pass <see cref="Next"/> back as <c>after</c>.</summary>
internal sealed record HouseholdPage(IReadOnlyList<HouseholdItem> Items, string? Next);

internal sealed record HouseholdItem(Guid Id, string VillageCode, string HeadName, string HeadCitizenId);

/// <summary>The body of <c>POST /api/pairing/households/{id}/helpers</c>.</summary>
internal sealed record HelperRequest(Guid CadreId, string Role, DateOnly StartsOn);

/// <summary>The body of <c>POST /api/pairing/helpers</c> (the helper pool).</summary>
internal sealed record RegisterHelperRequest(Guid CadreId);

/// <summary>The body of <c>POST /api/pairing/households/{id}/contacts</c>; a call goes without a location.</summary>
internal sealed record ContactRequest(Guid CadreId, string Kind, DateOnly ContactedOn, double? Longitude, double? Latitude, string Measures);
