using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.Grpc.Funds.V1;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.Contracts.Grpc.Pairing.V1;
using Xunit.Abstractions;
using AccountabilityService = Platform.Contracts.Grpc.Assessment.V1.Accountability;
using AssessmentService = Platform.Contracts.Grpc.Assessment.V1.Assessment;
using Voice = Platform.Contracts.Grpc.Assessment.V1.Voice;
using AnnualReview = Platform.Contracts.Grpc.Assessment.V1.AnnualReview;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>
/// The scope probe (issue 13), generated: every operation of every service's OpenAPI document and every method of
/// every published gRPC service, called as callers of every role and scope with the ids and codes of the other county
/// (511703) in path, query and body. It asserts that no answer carries data outside the caller's scope, that no write
/// changes data outside it (read straight from the databases after every request, and once more after the events have
/// run), that nothing answers 5xx, and that a token without a known role is refused everywhere. A new endpoint or
/// method is probed without anyone writing a test for it; one the probe cannot build a request for fails here by name.
/// </summary>
[Collection(ScopeProbeCollection.Name)]
public sealed class ScopeProbeTests(ScopeProbeFixture fixture, ITestOutputHelper output)
{
    /// <summary>Operations the probe does not call, each with the reason. Empty: the probe builds every one.</summary>
    private static readonly Dictionary<string, string> NotProbed = new(StringComparer.Ordinal);

    private static readonly (string Service, ServiceDescriptor Descriptor)[] GrpcServices =
    [
        ("dispatch", VillageRegistry.Descriptor), ("dispatch", Personnel.Descriptor), ("pairing", Pairing.Descriptor), ("notification", Notifications.Descriptor),
        ("assessment", AssessmentService.Descriptor), ("assessment", AccountabilityService.Descriptor), ("assessment", Voice.Descriptor),
        ("assessment", AnnualReview.Descriptor), ("funds", FundsLedger.Descriptor),
    ];

    private static readonly StatusCode[] ServerFaults = [StatusCode.Internal, StatusCode.Unknown, StatusCode.DataLoss, StatusCode.Unavailable, StatusCode.Unimplemented];

    [Fact]
    public async Task No_answer_shows_and_no_write_changes_data_outside_the_caller_s_scope()
    {
        var watch = Stopwatch.StartNew();
        var operations = new List<RestOperation>();
        using (var anonymous = new HttpClient())
        {
            foreach (var (service, address) in fixture.Rest)
            {
                operations.AddRange(RestOperations.Read(service, await anonymous.GetStringAsync(new Uri(address, "/openapi/v1.json"))));
            }
        }

        var methods = GrpcOperations.Read(GrpcServices);
        operations.Count.ShouldBeGreaterThan(50);
        methods.Count.ShouldBeGreaterThanOrEqualTo(15);

        var report = new Report();
        var cannotBuild = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var channels = fixture.Grpc.ToDictionary(g => g.Key, g => GrpcChannel.ForAddress(g.Value));
        try
        {
            foreach (var caller in ProbeCaller.All(fixture))
            {
                await ProbeAsync(caller, operations, methods, channels, report, cannotBuild);
            }
        }
        finally
        {
            foreach (var channel in channels.Values)
            {
                channel.Dispose();
            }
        }

        output.WriteLine(report.Render(operations, methods, cannotBuild, watch.Elapsed, limit: 50));
        var file = Path.Combine(AppContext.BaseDirectory, "scope-probe-report.txt");
        await File.WriteAllTextAsync(file, report.Render(operations, methods, cannotBuild, watch.Elapsed) + "\nEvery operation's answers, by caller:\n" + report.Details() + "\n");
        output.WriteLine($"(every operation's answers by caller: {file})");

        cannotBuild.Keys.Where(k => !NotProbed.ContainsKey(k)).ShouldBeEmpty("operations the probe cannot build a request for (teach ProbeValues, or list them in NotProbed with the reason)");
        report.Leaks.ShouldBeEmpty("answers carrying data outside the caller's scope");
        report.OutsideWrites.ShouldBeEmpty("writes that changed data outside the caller's scope");
        report.ServerErrors.ShouldBeEmpty("5xx answers (INTERNAL, UNKNOWN, UNAVAILABLE... on gRPC)");
        report.NotRefused.ShouldBeEmpty("answers to a token without a known role other than 401 / UNAUTHENTICATED");
    }

    private async Task ProbeAsync(ProbeCaller caller, IReadOnlyList<RestOperation> operations, IReadOnlyList<(string Service, MethodDescriptor Method)> methods,
        Dictionary<string, GrpcChannel> channels, Report report, SortedDictionary<string, string> cannotBuild)
    {
        var home = new ProbeValues(fixture.Near, fixture.Near);
        var target = caller.OwnRecords ? home : new ProbeValues(fixture.Far, fixture.Near);
        var markers = caller.Outside switch
        {
            null => [],
            "" => fixture.Near.Markers.Concat(fixture.Far.Markers).Distinct(StringComparer.Ordinal).ToList(),
            _ => fixture.Far.Markers,
        };
        var token = caller.Token;
        var clients = fixture.Rest.ToDictionary(r => r.Key, r =>
        {
            var client = new HttpClient { BaseAddress = r.Value, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return client;
        });
        var before = caller.Outside is null ? null : await fixture.Outside.FingerprintAsync(caller.Outside);
        var outsideRows = before?.Rows;

        async Task CheckWritesAsync(string operation)
        {
            if (caller.Outside is null)
            {
                return;
            }

            var after = await fixture.Outside.FingerprintAsync(caller.Outside);
            if (after.Sum != before!.Sum)
            {
                report.OutsideWrites.Add($"{caller.Name} {operation}: {string.Join(", ", before.Changes(after))}");
                before = after;
            }
        }

        try
        {
            foreach (var operation in operations)
            {
                IReadOnlyList<RestProbeRequest> requests;
                try
                {
                    requests = RestOperations.Build(operation, home, target);
                }
                catch (CannotBuildException ex)
                {
                    cannotBuild[ex.Operation] = ex.Message;
                    continue;
                }

                report.RestOperations.Add(operation.Name);
                foreach (var request in requests)
                {
                    using var message = request.ToMessage();
                    using var response = await clients[request.Service].SendAsync(message);
                    var body = await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    report.Count(caller.Name, status.ToString(CultureInfo.InvariantCulture)[0] + "xx");
                    report.Answer(caller.Name, operation.Name, $"{status} {ProblemCode(body)}");
                    var where = $"{caller.Name} {request.Method} {request.Url}";
                    if (status >= 500)
                    {
                        report.ServerErrors.Add($"{where} -> {status} {Truncate(body)}");
                    }

                    if (!caller.KnownRole && response.StatusCode != HttpStatusCode.Unauthorized)
                    {
                        report.NotRefused.Add($"{where} -> {status}");
                    }

                    foreach (var marker in Leaked(markers, Strings(body), request.Sent, status is >= 200 and < 300))
                    {
                        report.Leaks.Add($"{where} -> {status}: '{marker}' in {Truncate(body)}");
                    }

                    // After every request that may write; a GET that wrote would show in the check after the caller's requests.
                    if (request.Method != HttpMethod.Get)
                    {
                        await CheckWritesAsync($"{request.Method} {request.Url} {Truncate(request.Body ?? string.Empty, 200)} -> {status}");
                    }
                }
            }

            foreach (var (service, method) in methods)
            {
                IReadOnlyList<GrpcProbeRequest> requests;
                try
                {
                    requests = GrpcOperations.Build(service, method, home, target);
                }
                catch (CannotBuildException ex)
                {
                    cannotBuild[ex.Operation] = ex.Message;
                    continue;
                }

                report.GrpcMethods.Add($"{method.Service.FullName}/{method.Name}");
                foreach (var request in requests)
                {
                    var answer = await GrpcOperations.CallAsync(channels[service], request, token, CancellationToken.None);
                    report.Count(caller.Name, answer.Status.ToString());
                    report.Answer(caller.Name, request.Operation, $"{answer.Status} {answer.ProblemCode}");
                    var where = $"{caller.Name} {request.Operation} {request.Sent}";
                    if (ServerFaults.Contains(answer.Status))
                    {
                        report.ServerErrors.Add($"{where} -> {answer.Status} {answer.Detail}");
                    }

                    if (!caller.KnownRole && answer.Status != StatusCode.Unauthenticated)
                    {
                        report.NotRefused.Add($"{where} -> {answer.Status}");
                    }

                    var strings = answer.Strings.Append(answer.Detail).ToList();
                    foreach (var marker in Leaked(markers, strings, request.Sent, answer.Status == StatusCode.OK))
                    {
                        report.Leaks.Add($"{where} -> {answer.Status}: '{marker}'");
                    }

                    await CheckWritesAsync($"{request.Operation} {request.Sent} -> {answer.Status}");
                }
            }

            // What the caller's writes set off (events, notifications) has run too.
            await fixture.SettleAsync();
            await CheckWritesAsync("(after the events of this caller's requests)");
            report.OutsideRows[caller.Name] = outsideRows is null ? "-" : $"{outsideRows} -> {before!.Rows}";
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// The markers an answer shows: in a successful answer any of them (even one the request named: a write accepted for
    /// another county's record is no better); in a refusal, those the request did not send itself.
    /// </summary>
    private static IEnumerable<string> Leaked(IReadOnlyList<string> markers, IReadOnlyList<string> answer, string sent, bool success) =>
        markers.Where(m => answer.Any(s => s.Contains(m, StringComparison.Ordinal)) && (success || !sent.Contains(m, StringComparison.Ordinal)));

    /// <summary>Every string and property name of a JSON answer (decoded, so escaped Chinese names are found), and the raw text.</summary>
    private static IReadOnlyList<string> Strings(string body)
    {
        var strings = new List<string> { body };
        try
        {
            using var document = JsonDocument.Parse(body);
            void Walk(JsonElement element)
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var property in element.EnumerateObject())
                        {
                            strings.Add(property.Name);
                            Walk(property.Value);
                        }

                        break;
                    case JsonValueKind.Array:
                        foreach (var item in element.EnumerateArray())
                        {
                            Walk(item);
                        }

                        break;
                    case JsonValueKind.String:
                        strings.Add(element.GetString()!);
                        break;
                }
            }

            Walk(document.RootElement);
        }
        catch (JsonException)
        {
            // not JSON: the raw text is all there is
        }

        return strings;
    }

    private static string ProblemCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code) ? code.ToString() : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private static string Truncate(string text, int length = 400) => text.Length <= length ? text : text[..length] + "…";

    private sealed class Report
    {
        public SortedSet<string> RestOperations { get; } = new(StringComparer.Ordinal);
        public SortedSet<string> GrpcMethods { get; } = new(StringComparer.Ordinal);
        public List<string> Leaks { get; } = [];
        public List<string> OutsideWrites { get; } = [];
        public List<string> ServerErrors { get; } = [];
        public List<string> NotRefused { get; } = [];
        public Dictionary<string, string> OutsideRows { get; } = [];
        private readonly Dictionary<string, SortedDictionary<string, int>> answers = [];
        private readonly SortedDictionary<string, SortedDictionary<string, int>> byOperation = new(StringComparer.Ordinal);

        /// <summary>How one operation answered one caller (status and problem code), for the detailed part of the report.</summary>
        public void Answer(string caller, string operation, string answer)
        {
            var key = $"{operation} | {caller}";
            if (!byOperation.TryGetValue(key, out var counts))
            {
                byOperation[key] = counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }

            counts[answer.Trim()] = counts.GetValueOrDefault(answer.Trim()) + 1;
        }

        public string Details() => string.Join('\n', byOperation.Select(o => $"{o.Key}: {string.Join(", ", o.Value.Select(a => $"{a.Key} x{a.Value}"))}"));

        public void Count(string caller, string answer)
        {
            if (!answers.TryGetValue(caller, out var counts))
            {
                answers[caller] = counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }

            counts[answer] = counts.GetValueOrDefault(answer) + 1;
        }

        public string Render(IReadOnlyList<RestOperation> operations, IReadOnlyList<(string Service, MethodDescriptor Method)> methods,
            IReadOnlyDictionary<string, string> cannotBuild, TimeSpan elapsed, int limit = int.MaxValue)
        {
            var text = new StringBuilder();
            var sent = answers.Values.Sum(c => c.Values.Sum());
            text.AppendLine(CultureInfo.InvariantCulture, $"Scope probe: {RestOperations.Count} of {operations.Count} REST operations ({string.Join(", ",
                operations.GroupBy(o => o.Service).Select(g => $"{g.Key} {g.Count()}"))}) and {GrpcMethods.Count} of {methods.Count} gRPC methods probed, " +
                $"{answers.Count} callers, {sent} requests in {elapsed.TotalSeconds:F0} s");
            text.AppendLine(CultureInfo.InvariantCulture, $"leaks: {Leaks.Count}, writes outside scope: {OutsideWrites.Count}, 5xx: {ServerErrors.Count}, " +
                $"unknown-role answers not refused: {NotRefused.Count}, cannot build: {cannotBuild.Count}");
            foreach (var (caller, counts) in answers)
            {
                int Of(List<string> lines) => lines.Count(l => l.StartsWith(caller + " ", StringComparison.Ordinal));
                text.AppendLine(CultureInfo.InvariantCulture, $"  {caller}: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}; " +
                    $"rows outside its scope {OutsideRows.GetValueOrDefault(caller, "-")}; leaks {Of(Leaks)}, writes outside {Of(OutsideWrites)}, 5xx {Of(ServerErrors)}");
            }

            foreach (var (title, lines) in new[] { ("LEAK", Leaks), ("WRITE OUTSIDE SCOPE", OutsideWrites), ("5XX", ServerErrors), ("NOT REFUSED", NotRefused),
                         ("CANNOT BUILD", cannotBuild.Values.ToList()) })
            {
                foreach (var line in lines.Take(limit))
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"{title}: {line}");
                }
            }

            return text.ToString();
        }
    }
}
