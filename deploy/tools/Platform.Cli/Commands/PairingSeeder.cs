using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Platform.Cli.DemoData;

namespace Platform.Cli.Commands;

/// <summary>
/// Loads a <see cref="HouseholdPlan"/> through pairing's API: the household file (retried while pairing has not yet learnt the
/// villages from dispatch's events), then per county the helper pool, the pairings and a month of contacts as bulk imports
/// (contacts keyed by the seed and their place in the plan, so a re-seed adds none).
/// </summary>
internal sealed class PairingSeeder(DispatchClient pairing, TextWriter output, TimeSpan pollDelay, TimeSpan pollTimeout)
{
    public const string ImportPath = "api/pairing/households/import";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Runs every step: the household file, then per county the helper pool, the pairings and the month's contacts, each
    /// one bulk import (a county is far below the 100 MiB limit, a province is not). The imports are idempotent (a pairing
    /// or contact already there is unchanged), so a re-run resumes where one stopped and adds nothing twice.
    /// </summary>
    public async Task<bool> RunAsync(HouseholdPlan plan, IReadOnlyDictionary<string, Guid> cadreIds, string fileSuffix, TextWriter error, CancellationToken cancellationToken)
    {
        var import = await ImportAsync(plan, fileSuffix, cancellationToken);
        var villages = plan.Households.ToDictionary(h => h.HeadCitizenId, h => h.VillageCode, StringComparer.Ordinal);
        var contactKeys = plan.Contacts.Select((c, i) => (Contact: c, Key: string.Create(Invariant, $"{fileSuffix}-{i}"))).ToList();
        var counties = plan.Pairings.GroupBy(p => villages[p.HouseholdCitizenId][..6], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var contactsByCounty = contactKeys.ToLookup(c => villages[c.Contact.HouseholdCitizenId][..6], StringComparer.Ordinal);
        var total = new ImportTotals();
        var stopwatch = Stopwatch.StartNew();
        foreach (var county in counties)
        {
            var countyWatch = Stopwatch.StartNew();
            var helpers = await ImportFileAsync($"helpers/import?fileName={Uri.EscapeDataString($"demo-helpers-{county.Key}-{fileSuffix}.csv")}", "干部ID",
                county.Select(p => cadreIds[p.CadreCitizenId]).Distinct().Select(id => id.ToString()), cancellationToken);
            var pairings = await ImportFileAsync($"pairings/import?fileName={Uri.EscapeDataString($"demo-pairings-{county.Key}-{fileSuffix}.csv")}", "户主身份证号,干部ID,角色,开始日期",
                county.Select(p => string.Create(Invariant, $"{p.HouseholdCitizenId},{cadreIds[p.CadreCitizenId]},帮扶责任人,{p.StartsOn:yyyy-MM-dd}")), cancellationToken);
            var contacts = await ImportFileAsync($"contacts/import?fileName={Uri.EscapeDataString($"demo-contacts-{county.Key}-{fileSuffix}.csv")}",
                "编号,户主身份证号,干部ID,方式,联系日期,经度,纬度,帮扶措施",
                contactsByCounty[county.Key].Select(c => string.Create(Invariant,
                    $"{c.Key},{c.Contact.HouseholdCitizenId},{cadreIds[c.Contact.CadreCitizenId]},{(c.Contact.Kind == "visit" ? "走访" : "电话")},{c.Contact.ContactedOn:yyyy-MM-dd},{c.Contact.Longitude},{c.Contact.Latitude},{Quote(c.Contact.Measures)}")),
                cancellationToken);
            total.Add(helpers, pairings, contacts);
            await SayAsync(string.Create(Invariant,
                $"county {county.Key}: helper pool {helpers.Rows:N0} ({helpers.Created:N0} new), pairings {pairings.Rows:N0} ({pairings.Created:N0} new, {pairings.Events:N0} events), contacts {contacts.Rows:N0} ({contacts.Created:N0} new) in {countyWatch.Elapsed.TotalSeconds:F1} s"),
                cancellationToken);
        }

        await SayAsync(string.Create(Invariant,
            $"helper pool: {total.Helpers:N0} cadres registered; pairings: {total.Pairings:N0} created, {total.PairingsThere:N0} already there; contacts for {plan.ContactMonth:yyyy-MM}: {total.Contacts:N0} new ({plan.Contacts.Count(c => c.Kind == "visit"):N0} visits planned) of {plan.Contacts.Count:N0} planned, in {counties.Count:N0} counties, {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);
        await SayAsync(string.Create(Invariant,
            $"summary: households {plan.Households.Count:N0} of {plan.PlannedHouseholds:N0} poor households ({import.Created:N0} created, {import.Updated:N0} updated), helpers {plan.Pairings.Count:N0} ({total.Pairings:N0} created, {total.PairingsThere:N0} already there), without helper {plan.Unpaired:N0} ({Percent(plan.Unpaired, plan.Households.Count)}), contacts {total.Contacts:N0} new for {plan.ContactMonth:yyyy-MM}"),
            cancellationToken);
        await error.FlushAsync(cancellationToken);
        return true;
    }

    /// <summary>One bulk import of pairing: the header and the rows as one UTF-8 file; anything but 200 stops the seed.</summary>
    private async Task<BulkImportAnswer> ImportFileAsync(string path, string header, IEnumerable<string> rows, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        var endpoint = pairing.Endpoint("api/pairing/" + path);
        var answer = await pairing.PostCsvAsync(endpoint, System.Text.Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
        return answer.Status == HttpStatusCode.OK ? answer.Read<BulkImportAnswer>() : throw new UnexpectedAnswerException($"POST {endpoint}", answer);
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>What the per-county imports added, for the summary.</summary>
    private sealed class ImportTotals
    {
        public int Helpers { get; private set; }
        public int Pairings { get; private set; }
        public int PairingsThere { get; private set; }
        public int Contacts { get; private set; }

        public void Add(BulkImportAnswer helpers, BulkImportAnswer pairings, BulkImportAnswer contacts)
        {
            Helpers += helpers.Rows;
            Pairings += pairings.Created;
            PairingsThere += pairings.Unchanged;
            Contacts += contacts.Created;
        }
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

    private async Task SayAsync(string line, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync(cancellationToken);
    }

    private static string Percent(int part, int whole) => string.Create(Invariant, $"{(whole == 0 ? 0 : 100.0 * part / whole):F1}%");
}

/// <summary>Pairing's answer to a bulk import (helper pool, pairings, contacts).</summary>
internal sealed record BulkImportAnswer(int Rows, int Created, int Updated, int Unchanged, int Events, bool Changed);

/// <summary>Pairing's answer to the household import.</summary>
internal sealed record HouseholdImportAnswer(int Rows, int Created, int Updated, int Unchanged);


