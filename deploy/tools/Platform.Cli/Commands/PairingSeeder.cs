using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Kiota.Abstractions;
using Platform.ApiClients.Pairing;
using Platform.ApiClients.Pairing.Api.Pairing;
using Platform.ApiClients.Pairing.Models;
using Platform.Cli.DemoData;
using Platform.Security.PersonalData;

namespace Platform.Cli.Commands;

/// <summary>
/// Loads a <see cref="HouseholdPlan"/> through pairing's API, one county at a time (a province is about 2 million households,
/// far over one file's 100 MiB): the county's helper-only cadres into dispatch (and their ids read back), then its household
/// file (retried while pairing has not yet learnt the villages from dispatch's events), helper pool, pairings and a month of
/// contacts, each one bulk import (each contact keyed by a hash of the seed, household, helper and day, so a re-seed at any scale adds none).
/// </summary>
internal sealed class PairingSeeder(ServiceClient dispatch, ServiceClient pairing, TextWriter output, TimeSpan pollDelay, TimeSpan pollTimeout)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Runs every county in code order. Every import is idempotent (a household, cadre, pairing or contact already there is
    /// unchanged), so a re-run resumes where one stopped and adds nothing twice. <paramref name="cadreIds"/> gains the
    /// helper-only cadres' ids.
    /// </summary>
    public async Task<bool> RunAsync(HouseholdPlan plan, Dictionary<string, Guid> cadreIds, string fileSuffix, TextWriter error, CancellationToken cancellationToken)
    {
        var total = new ImportTotals();
        var stopwatch = Stopwatch.StartNew();
        var counties = 0;
        foreach (var county in plan.Counties)
        {
            var countyWatch = Stopwatch.StartNew();
            var helperCadres = await ImportHelperCadresAsync(county, cadreIds, fileSuffix, cancellationToken);
            var households = await ImportHouseholdsAsync(county, fileSuffix, cancellationToken);
            var helpers = await ImportFileAsync("helpers",
                body => Api.Helpers.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = $"demo-helpers-{county.CountyCode}-{fileSuffix}.csv"), "干部ID",
                county.Pairings.Select(p => cadreIds[p.CadreCitizenId]).Distinct().Select(id => id.ToString()), cancellationToken);
            var pairings = await ImportFileAsync("pairings",
                body => Api.Pairings.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = $"demo-pairings-{county.CountyCode}-{fileSuffix}.csv"),
                "户主身份证号,干部ID,角色,开始日期",
                county.Pairings.Select(p => string.Create(Invariant, $"{p.HouseholdCitizenId},{cadreIds[p.CadreCitizenId]},帮扶责任人,{p.StartsOn:yyyy-MM-dd}")), cancellationToken);
            var contacts = await ImportFileAsync("contacts",
                body => Api.Contacts.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = $"demo-contacts-{county.CountyCode}-{fileSuffix}.csv"),
                "编号,户主身份证号,干部ID,方式,联系日期,经度,纬度,帮扶措施",
                county.Contacts.Select(c => string.Create(Invariant,
                    $"{c.Key},{c.HouseholdCitizenId},{cadreIds[c.CadreCitizenId]},{(c.Kind == "visit" ? "走访" : "电话")},{c.ContactedOn:yyyy-MM-dd},{c.Longitude},{c.Latitude},{Quote(c.Measures)}")),
                cancellationToken);
            total.Add(county, households, helperCadres, helpers, pairings, contacts);
            counties++;
            await SayAsync(string.Create(Invariant,
                $"county {county.CountyCode} ({counties:N0} of {plan.CountyCodes.Count:N0}): households {households.Rows:N0} ({households.Created:N0} new), helper-only cadres {county.HelperCadres.Count:N0} ({helperCadres:N0} new), helper pool {helpers.Rows:N0} ({helpers.Created:N0} new), pairings {pairings.Rows:N0} ({pairings.Created:N0} new, {pairings.Events:N0} events), contacts {contacts.Rows:N0} ({contacts.Created:N0} new) in {countyWatch.Elapsed.TotalSeconds:F1} s; {total.Households:N0} of {plan.HouseholdCount:N0} households so far, {stopwatch.Elapsed.TotalSeconds:F0} s"),
                cancellationToken);
        }

        await SayAsync(string.Create(Invariant,
            $"helper pool: {total.Helpers:N0} cadres registered ({total.HelperCadres:N0} of them helper-only, {total.HelperCadresCreated:N0} new in dispatch); pairings: {total.Pairings:N0} created, {total.PairingsThere:N0} already there; contacts for {plan.ContactMonth:yyyy-MM}: {total.Contacts:N0} new ({total.Visits:N0} visits planned) of {total.ContactsPlanned:N0} planned, in {counties:N0} counties, {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);
        await SayAsync(string.Create(Invariant,
            $"summary: households {total.Households:N0} of {plan.PlannedHouseholds:N0} poor households ({total.HouseholdsCreated:N0} created, {total.HouseholdsUpdated:N0} updated), helpers {total.PairingsPlanned:N0} ({total.Pairings:N0} created, {total.PairingsThere:N0} already there), without helper {total.Households - total.PairingsPlanned:N0} ({Percent(total.Households - total.PairingsPlanned, total.Households)}), contacts {total.Contacts:N0} new for {plan.ContactMonth:yyyy-MM}"),
            cancellationToken);
        await error.FlushAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Imports the county's helper-only cadres into dispatch (all or nothing, unchanged on a re-run) and reads their ids back
    /// under the county's prefix; returns how many were new.
    /// </summary>
    private async Task<int> ImportHelperCadresAsync(CountyHouseholds county, Dictionary<string, Guid> cadreIds, string fileSuffix, CancellationToken cancellationToken)
    {
        if (county.HelperCadres.Count == 0)
        {
            return 0;
        }

        var fileName = $"demo-helper-cadres-{county.CountyCode}-{fileSuffix}.csv";
        var (_, imported) = await ForcesSeeder.PostFileAsync(dispatch, "helper-only cadres",
            body => ForcesSeeder.Api(dispatch).Cadres.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = fileName),
            ForcesCsvWriter.CadresFile(county.HelperCadres), cancellationToken);
        await ForcesSeeder.ReadCadreIdsAsync(dispatch, county.CountyCode, cadreIds, cancellationToken);
        var missing = county.HelperCadres.FirstOrDefault(c => !cadreIds.ContainsKey(c.CitizenId));
        return missing is null
            ? imported.Created ?? 0
            : throw new InvalidOperationException($"helper-only cadre {CitizenId.Mask(missing.CitizenId)} of unit {missing.UnitCode} was imported but is not listed under {county.CountyCode}");
    }

    /// <summary>Pairing's contract, as its generated client describes it (docs/api/openapi/pairing.json).</summary>
    private PairingRequestBuilder Api => pairing.Contract(adapter => new PairingApiClient(adapter)).Api.Pairing;

    /// <summary>One bulk import of pairing: the header and the rows as one UTF-8 file; anything but 200 stops the seed.</summary>
    private async Task<BulkImportResult> ImportFileAsync(string what, Func<Stream, RequestInformation> request, string header, IEnumerable<string> rows,
        CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        var file = System.Text.Encoding.UTF8.GetBytes(text.ToString());
        var answer = await pairing.SendFileAsync(request, file, cancellationToken);
        return answer.Status == HttpStatusCode.OK
            ? answer.Read(BulkImportResult.CreateFromDiscriminatorValue)
            : throw new UnexpectedAnswerException($"{what}: POST {answer.Uri}", answer);
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>What the per-county imports added, for the summary.</summary>
    private sealed class ImportTotals
    {
        public int Households { get; private set; }
        public int HouseholdsCreated { get; private set; }
        public int HouseholdsUpdated { get; private set; }
        public int HelperCadres { get; private set; }
        public int HelperCadresCreated { get; private set; }
        public int Helpers { get; private set; }
        public int PairingsPlanned { get; private set; }
        public int Pairings { get; private set; }
        public int PairingsThere { get; private set; }
        public int ContactsPlanned { get; private set; }
        public int Visits { get; private set; }
        public int Contacts { get; private set; }

        public void Add(CountyHouseholds county, HouseholdImportResult households, int helperCadresCreated, BulkImportResult helpers, BulkImportResult pairings,
            BulkImportResult contacts)
        {
            Households += county.Households.Count;
            HouseholdsCreated += households.Created ?? 0;
            HouseholdsUpdated += households.Updated ?? 0;
            HelperCadres += county.HelperCadres.Count;
            HelperCadresCreated += helperCadresCreated;
            Helpers += helpers.Rows ?? 0;
            PairingsPlanned += county.Pairings.Count;
            Pairings += pairings.Created ?? 0;
            PairingsThere += pairings.Unchanged ?? 0;
            ContactsPlanned += county.Contacts.Count;
            Visits += county.Contacts.Count(c => c.Kind == "visit");
            Contacts += contacts.Created ?? 0;
        }
    }

    /// <summary>Imports the county's households, again every <c>pollDelay</c> while pairing does not yet know some villages (its events lag dispatch).</summary>
    private async Task<HouseholdImportResult> ImportHouseholdsAsync(CountyHouseholds county, string fileSuffix, CancellationToken cancellationToken)
    {
        var fileName = $"demo-households-{county.CountyCode}-{fileSuffix}.csv";
        var file = HouseholdGenerator.HouseholdsFile(county.Households);
        var stopwatch = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var answer = await pairing.SendFileAsync(body => Api.Households.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = fileName), file,
                cancellationToken);
            if (answer.Status == HttpStatusCode.OK)
            {
                var result = answer.Read(HouseholdImportResult.CreateFromDiscriminatorValue);
                if (attempt > 1)
                {
                    await SayAsync(string.Create(Invariant, $"households of {county.CountyCode}: imported at attempt {attempt}"), cancellationToken);
                }

                return result;
            }

            if (answer.Status != HttpStatusCode.UnprocessableEntity || !IsUnknownVillage(answer) || stopwatch.Elapsed + pollDelay > pollTimeout)
            {
                throw new UnexpectedAnswerException($"households: POST {answer.Uri}", answer);
            }

            await SayAsync(string.Create(Invariant, $"households: pairing does not know every village yet; retry in {pollDelay.TotalSeconds:0.#} s"), cancellationToken);
            await Task.Delay(pollDelay, cancellationToken);
        }
    }

    /// <summary>The problem's code, or that of any of its field errors, is <c>unknown_village</c>.</summary>
    private static bool IsUnknownVillage(ServiceAnswer answer)
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
