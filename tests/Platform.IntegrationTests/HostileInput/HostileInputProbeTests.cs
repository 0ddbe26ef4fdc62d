using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.HostileInput;

/// <summary>
/// The hostile-input probe, generated from the services' own OpenAPI documents (GET /openapi/v1.json): every POST, PUT
/// and DELETE gets, field by field, a NUL and other control characters in each string, a 1 MB string, wrong JSON
/// types, NaN and ±Infinity where numbers go, extreme dates (0001-01-01, 9999-12-31), then invalid UTF-8, a body of
/// the wrong shape and an oversized body; every CSV import gets the same in each column plus invalid UTF-8 and a
/// GBK-encoded file. It asserts no 5xx, that every hostile case is refused (4xx), and that a refused request wrote
/// nothing: the row count of every table of the service's database, read straight from PostgreSQL, before and after.
/// A new endpoint is probed without anyone writing a test for it; one the probe cannot build a request for fails the
/// test with its name unless <see cref="Unbuildable"/> lists it with a reason.
/// </summary>
public sealed class HostileInputProbeTests(HostileInputFixture fixture, ITestOutputHelper output) : IClassFixture<HostileInputFixture>
{
    /// <summary>Operations the probe deliberately leaves out, with why. Empty: every write is probed.</summary>
    private static readonly Dictionary<string, string> Unbuildable = new(StringComparer.Ordinal);

    private const string Nul = "前\u0000后";
    private static readonly string Bell = "响\u0007铃";
    private static readonly string Megabyte = new('长', 1024 * 1024);

    private sealed record Case(string Operation, string Name, HttpContent Content, bool MustRefuse, string Query = "");

    private sealed record Outcome(string Operation, string Case, int Status, string Body, bool Wrote, bool MustRefuse);

    [Fact]
    public async Task No_hostile_request_answers_5xx_or_writes_anything()
    {
        var outcomes = new List<Outcome>();
        var unbuildable = new List<string>();
        var operations = 0;
        foreach (var service in fixture.Services)
        {
            var document = JsonNode.Parse(await service.Client.GetStringAsync("/openapi/v1.json"))!;
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (method is not ("post" or "put" or "delete"))
                    {
                        continue;
                    }

                    var name = $"{method.ToUpperInvariant()} {path}";
                    if (Unbuildable.ContainsKey(name))
                    {
                        continue;
                    }

                    operations++;
                    var url = BuildUrl(path, operation!, name);
                    if (url is null)
                    {
                        unbuildable.Add(name + ": no value for a path parameter");
                        continue;
                    }

                    var cases = BuildCases(document, name, path, operation!);
                    if (cases is null)
                    {
                        unbuildable.Add(name + ": request body of an unknown kind");
                        continue;
                    }

                    foreach (var @case in cases)
                    {
                        outcomes.Add(await SendAsync(service, new HttpMethod(method.ToUpperInvariant()), url, @case));
                    }
                }
            }
        }

        var fiveHundreds = outcomes.Where(o => o.Status >= 500).ToList();
        var accepted = outcomes.Where(o => o.Status < 400 && o.MustRefuse).ToList();
        var leaks = outcomes.Where(o => o.Wrote).ToList();
        output.WriteLine($"operations probed: {operations}, cases sent: {outcomes.Count}, 5xx: {fiveHundreds.Count}, hostile accepted: {accepted.Count}, refused but wrote: {leaks.Count}");
        foreach (var o in fiveHundreds.Concat(accepted).Concat(leaks).Take(200))
        {
            output.WriteLine($"{o.Status} {o.Operation} [{o.Case}] wrote={o.Wrote} {Truncate(o.Body)}");
        }

        unbuildable.ShouldBeEmpty();
        operations.ShouldBeGreaterThan(25);
        fiveHundreds.Select(o => $"{o.Status} {o.Operation} [{o.Case}] {Truncate(o.Body)}").ShouldBeEmpty();
        accepted.Select(o => $"{o.Status} {o.Operation} [{o.Case}] {Truncate(o.Body)}").ShouldBeEmpty();
        leaks.Select(o => $"{o.Status} {o.Operation} [{o.Case}]").ShouldBeEmpty();
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private async Task<Outcome> SendAsync(HostileInputFixture.Service service, HttpMethod method, string url, Case @case)
    {
        var before = await CountRowsAsync(service.Database);
        using var request = new HttpRequestMessage(method, url + @case.Query) { Content = @case.Content };
        // As curl does for large bodies, so that a body refused for its size is answered before it is sent.
        request.Headers.ExpectContinue = (@case.Content.Headers.ContentLength ?? 0) > 1024 * 1024;
        int status;
        string body;
        try
        {
            using var response = await service.Client.SendAsync(request);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException ex)
        {
            // The server may close the connection on an oversized body before reading it; that is a refusal, not a fault.
            (status, body) = (499, ex.Message);
        }

        var after = await CountRowsAsync(service.Database);
        var wrote = status >= 400 && !before.SequenceEqual(after);
        if (status < 400)
        {
            // Accepted (a defect the test reports): let its events settle so that they are not charged to the next case.
            await Task.Delay(300);
        }

        return new Outcome(@case.Operation, @case.Name, status, body, wrote, @case.MustRefuse);
    }

    /// <summary>
    /// Tables a refused request may write to on purpose: dispatch audits every import, refused ones included, with their
    /// errors (imports, region_imports).
    /// </summary>
    private static readonly HashSet<string> AuditTables = ["public.imports", "public.region_imports"];

    /// <summary>The exact row count of every table of a database (audit tables aside), one query.</summary>
    private static async Task<List<(string Table, long Rows)>> CountRowsAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var tables = (await connection.QueryAsync<string>(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")).Where(t => !AuditTables.Contains(t)).ToList();
        var sql = string.Join(" UNION ALL ", tables.Select((t, i) => $"SELECT {i} AS i, count(*) AS n FROM {t}"));
        var counts = (await connection.QueryAsync<(int I, long N)>(sql)).ToDictionary(r => r.I, r => r.N);
        return tables.Select((t, i) => (t, counts[i])).ToList();
    }

    private string? BuildUrl(string path, JsonNode operation, string name)
    {
        var url = path;
        foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
        {
            var inWhere = parameter!["in"]!.GetValue<string>();
            var parameterName = parameter["name"]!.GetValue<string>();
            if (inWhere == "path")
            {
                if (PathValue(name, parameterName) is not { } value)
                {
                    return null;
                }

                url = url.Replace("{" + parameterName + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
            }
        }

        return url;
    }

    /// <summary>A real value for a path parameter, from the fixture's records, by operation and name.</summary>
    private string? PathValue(string operation, string parameter)
    {
        var v = fixture.Values;
        return (operation, parameter) switch
        {
            (var o, "code") when o.Contains("/townships/", StringComparison.Ordinal) => "511702104000",
            (_, "code") => v["village"],
            (_, "countyCode") => "511702000000",
            (_, "month") => DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture),
            (_, "rule") => v["rule"],
            (_, "year") => DateTime.UtcNow.Year.ToString(CultureInfo.InvariantCulture),
            (_, "county") => "511702",
            (_, "city") => "5117",
            (_, "cadreId") => v["cadre"],
            (_, "queue") => "probe_error",
            (_, "deliveryId") => Guid.NewGuid().ToString(),
            (var o, "id") when o.Contains("/assignments/", StringComparison.Ordinal) => v["assignment"],
            (var o, "id") when o.Contains("/leave/", StringComparison.Ordinal) => v["leave"],
            (var o, "id") when o.Contains("/households/", StringComparison.Ordinal) => v["household"],
            (var o, "id") when o.Contains("/pairings/", StringComparison.Ordinal) => v["pairing"],
            (var o, "id") when o.Contains("/matching-runs/", StringComparison.Ordinal) => v["run"],
            (var o, "id") when o.Contains("/subscriptions/", StringComparison.Ordinal) => v["subscription"],
            (var o, "id") when o.Contains("/inbox/", StringComparison.Ordinal) => Guid.NewGuid().ToString(),
            (var o, "id") when o.Contains("/tasks/", StringComparison.Ordinal) => v["task"],
            (var o, "id") when o.Contains("/accountability/entries/", StringComparison.Ordinal) => v["accountabilityEntry"],
            (var o, "id") when o.Contains("/accountability/proposals/", StringComparison.Ordinal) => v["accountabilityProposal"],
            (var o, "id") when o.Contains("/complaints/", StringComparison.Ordinal) => v["complaint"],
            (var o, "id") when o.Contains("/surveys/", StringComparison.Ordinal) => v["survey"],
            (var o, "id") when o.Contains("/ledger/entries/", StringComparison.Ordinal) => v["entry"],
            (var o, "id") when o.Contains("/disbursements/", StringComparison.Ordinal) => v["disbursement"],
            (var o, "id") when o.Contains("/revolving-funds/loans/", StringComparison.Ordinal) => v["loan"],
            (var o, "id") when o.Contains("/rectifications/", StringComparison.Ordinal) => v["rectification"],
            (_, "problemId") => v["rectificationProblem"],
            (var o, "id") when o.Contains("/monitoring/cases/", StringComparison.Ordinal) => v["monitoringCase"],
            (_, "provinceCode") => "51",
            (_, "region") => "511702",
            (var o, "id") when o.Contains("/township-postings/", StringComparison.Ordinal) => v["townshipPosting"],
            (var o, "id") when o.Contains("/joint-committees/", StringComparison.Ordinal) => v["jointCommittee"],
            (_, "activity") => "party_meeting",
            (var o, "id") when o.Contains("/village-people/", StringComparison.Ordinal) => v["villagePerson"],
            (var o, "id") when o.Contains("/committee-posts/", StringComparison.Ordinal) => v["committeePost"],
            _ => null,
        };
    }

    /// <summary>Every hostile case of one operation, or null when its body is of a kind the probe does not know.</summary>
    private List<Case>? BuildCases(JsonNode document, string name, string path, JsonNode operation)
    {
        var cases = new List<Case>();
        var content = operation["requestBody"]?["content"]?.AsObject();
        var queryNames = (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToList();

        if (content is null)
        {
            // No body: only the oversized one makes sense, and hostile query values.
            cases.Add(new Case(name, "body where none is expected: 5 MB", new ByteArrayContent(new byte[5 * 1024 * 1024]), true));
            cases.AddRange(QueryCases(name, queryNames, () => Json("{}")));
            return cases;
        }

        if (content.ContainsKey("text/csv"))
        {
            cases.AddRange(CsvCases(name, path, out var validCsv));
            cases.AddRange(QueryCases(name, queryNames, () => Csv(validCsv)));
            return cases;
        }

        if (!content.ContainsKey("application/json"))
        {
            return null;
        }

        var schema = Resolve(document, content["application/json"]!["schema"]!);
        var valid = Example(document, schema, path, propertyName: null) as JsonObject ?? new JsonObject();
        foreach (var (field, fieldSchema) in Fields(document, schema, ""))
        {
            foreach (var (label, value) in Mutations(fieldSchema))
            {
                var body = (JsonObject)Fresh(valid);
                Set(body, field, value);
                cases.Add(new Case(name, $"{field}: {label}", Json(body.ToJsonString()), true));
            }
        }

        var validText = Fresh(valid).ToJsonString();
        cases.Add(new Case(name, "body: a JSON array", Json("[]"), true));
        cases.Add(new Case(name, "body: a JSON string", Json("\"\\u0000\""), true));
        // null is "no body": refused only where the body is required (an optional one, e.g. a commit's, may be left out).
        cases.Add(new Case(name, "body: null", Json("null"), operation["requestBody"]?["required"]?.GetValue<bool>() ?? false));
        cases.Add(new Case(name, "body: truncated", Json(validText[..(validText.Length / 2)]), true));
        cases.Add(new Case(name, "body: NaN literal", Json("{\"x\": NaN}"), true));
        var firstString = Fields(document, schema, "").FirstOrDefault(f => IsString(f.Schema));
        if (firstString.Path is { } stringField)
        {
            // Raw bytes that are not UTF-8 inside a string value.
            var withMarker = (JsonObject)Fresh(valid);
            Set(withMarker, stringField, JsonValue.Create("MARKER"));
            var bytes = Encoding.UTF8.GetBytes(withMarker.ToJsonString());
            var marker = Encoding.UTF8.GetBytes("MARKER");
            var at = bytes.AsSpan().IndexOf(marker);
            var broken = bytes[..at].Concat(new byte[] { 0xC3, 0x28, 0xFF, 0xFE }).Concat(bytes[(at + marker.Length)..]).ToArray();
            cases.Add(new Case(name, $"{stringField}: invalid UTF-8", new ByteArrayContent(broken) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, true));
            var gbk = (JsonObject)Fresh(valid);
            Set(gbk, stringField, JsonValue.Create("MARKER"));
            var gbkBytes = Encoding.UTF8.GetBytes(gbk.ToJsonString());
            var gbkAt = gbkBytes.AsSpan().IndexOf(marker);
            // 中文 in GBK.
            var gbkBody = gbkBytes[..gbkAt].Concat(new byte[] { 0xD6, 0xD0, 0xCE, 0xC4 }).Concat(gbkBytes[(gbkAt + marker.Length)..]).ToArray();
            var surrogate = Encoding.UTF8.GetString(bytes).Replace("MARKER", "\\ud800", StringComparison.Ordinal);
            cases.Add(new Case(name, $"{stringField}: lone surrogate", Json(surrogate), true));
            cases.Add(new Case(name, $"{stringField}: GBK bytes", new ByteArrayContent(gbkBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, true));
        }

        // An oversized body (beyond the service's 4 MiB limit for JSON).
        var padded = (JsonObject)Fresh(valid);
        padded["padding"] = new string('x', 5 * 1024 * 1024);
        cases.Add(new Case(name, "body: 5 MB", Json(padded.ToJsonString()), true));
        cases.AddRange(QueryCases(name, queryNames, () => Json(validText)));
        return cases;
    }

    /// <summary>NUL and a control character in each query parameter of a write (an import's fileName...), with a valid body.</summary>
    private static IEnumerable<Case> QueryCases(string name, IEnumerable<string> queryNames, Func<HttpContent> body) =>
        queryNames.SelectMany(q => new[] { ("NUL", Nul), ("control", Bell) }
            .Select(m => new Case(name, $"?{q}: {m.Item1}", body(), true, $"?{q}={Uri.EscapeDataString(m.Item2)}")));

    private List<Case> CsvCases(string name, string path, out byte[] validCsv)
    {
        var cases = new List<Case>();
        var (header, row) = path switch
        {
            var p when p.EndsWith("/regions/import", StringComparison.Ordinal) => (RegionFiles.Header, "511702104299,探针村,村,511702104000,贫困村,40,35,55,1820,132,107.5,31.2"),
            var p when p.EndsWith("/units/import", StringComparison.Ordinal) => ("单位编码,单位名称,层级,所在区划,负责人,编制人数", "U-PROBE,探针局,县,511702000000,王局长,45"),
            var p when p.EndsWith("/cadres/import", StringComparison.Ordinal) => ("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿",
                Cadre("51170219810309009")),
            var p when p.EndsWith("/assignments/import", StringComparison.Ordinal) => ("村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因",
                $"{fixture.Values["village"]},帮扶单位,,U-A,{fixture.Values["today"]},探针选派"),
            var p when p.EndsWith("/households/import", StringComparison.Ordinal) => ("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态",
                Household("51170219700309009")),
            var p when p.EndsWith("/helpers/import", StringComparison.Ordinal) => ("干部ID", fixture.Values["cadre"]),
            var p when p.EndsWith("/pairings/import", StringComparison.Ordinal) => ("户主身份证号,干部ID,角色,开始日期",
                $"{Head("51170219700303002")},{fixture.Values["cadre"]},协助帮扶人,{fixture.Values["today"]}"),
            var p when p.EndsWith("/contacts/import", StringComparison.Ordinal) => ("编号,户主身份证号,干部ID,方式,联系日期,经度,纬度,帮扶措施",
                $"probe-1,{Head("51170219700301000")},{fixture.Values["cadre"]},电话,{fixture.Values["today"]},,,电话了解"),
            _ => throw new InvalidOperationException($"{name}: a CSV import the probe does not know; give it a valid row"),
        };

        var columns = header.Split(',');
        var values = row.Split(',');
        for (var i = 0; i < columns.Length; i++)
        {
            foreach (var (label, value) in new[] { ("NUL", Nul), ("control", Bell), ("1 MB", Megabyte[..(300 * 1024)]) })
            {
                var changed = (string[])values.Clone();
                changed[i] = values[i] + value;
                cases.Add(new Case(name, $"{columns[i]}: {label}", Csv(Encoding.UTF8.GetBytes(header + "\n" + string.Join(',', changed) + "\n")), true));
            }
        }

        validCsv = Encoding.UTF8.GetBytes(header + "\n" + row + "\n");
        // A row whose name holds bytes that are not UTF-8 (a truncated sequence and 0xFF).
        var broken = Encoding.UTF8.GetBytes(header + "\n").Concat(ReplaceFirst(Encoding.UTF8.GetBytes(row), Encoding.UTF8.GetBytes(NameIn(row)), [0xE6, 0x8E, 0xFF])).Concat("\n"u8.ToArray()).ToArray();
        cases.Add(new Case(name, "invalid UTF-8", Csv(broken), true));
        var gbk = Encoding.UTF8.GetBytes(header + "\n").Concat(ReplaceFirst(Encoding.UTF8.GetBytes(row), Encoding.UTF8.GetBytes(NameIn(row)), [0xCC, 0xBD, 0xD5, 0xEB])).Concat("\n"u8.ToArray()).ToArray();
        cases.Add(new Case(name, "GBK-encoded name", Csv(gbk), true));
        cases.Add(new Case(name, "oversized file", Csv(Encoding.UTF8.GetBytes(header + "\n" + string.Concat(Enumerable.Repeat(row + "\n", (int)(HostileInputFixture.ImportLimit / row.Length) + 10)))), true));
        return cases;
    }

    /// <summary>The Chinese text of a valid row that the encoding cases break (a file of ids only: the first id's start).</summary>
    private static string NameIn(string row) =>
        new[] { "探针", "甲", "王大", "协助帮扶人", "电话了解" }.FirstOrDefault(name => row.Contains(name, StringComparison.Ordinal)) ?? row[..8];

    private static byte[] ReplaceFirst(byte[] source, byte[] find, byte[] with)
    {
        var at = source.AsSpan().IndexOf(find);
        return at < 0 ? source : [.. source[..at], .. with, .. source[(at + find.Length)..]];
    }

    private static string Cadre(string first17) => $"{first17}{Platform.Security.PersonalData.CitizenId.CheckCharacter(first17)},甲乙,,U-A,科员,农业技术,是,,愿意";

    private static string Head(string first17) => first17 + Platform.Security.PersonalData.CitizenId.CheckCharacter(first17);

    private static string Household(string first17) => $"王大,{first17}{Platform.Security.PersonalData.CitizenId.CheckCharacter(first17)},3,511702104201,因病,一般贫困,中,未脱贫";

    private static ByteArrayContent Csv(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" } } };

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static JsonNode Fresh(JsonNode node) => JsonNode.Parse(node.ToJsonString())!;

    private static void Set(JsonObject body, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        JsonNode target = body;
        foreach (var part in parts[..^1])
        {
            target = part.EndsWith("[]", StringComparison.Ordinal) ? target[part[..^2]]![0]! : target[part]!;
        }

        var last = parts[^1];
        if (last.EndsWith("[]", StringComparison.Ordinal))
        {
            target[last[..^2]] = new JsonArray(value);
        }
        else
        {
            target[last] = value;
        }
    }

    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        while (schema["$ref"] is { } reference)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            schema = document["components"]!["schemas"]![name]!;
        }

        if ((schema["anyOf"] ?? schema["oneOf"]) is JsonArray options)
        {
            var chosen = options.FirstOrDefault(o => Types(Resolve(document, o!)).Any(t => t != "null"));
            return chosen is null ? schema : Resolve(document, chosen);
        }

        return schema;
    }

    private static IReadOnlyList<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray array => array.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue value => [value.GetValue<string>()],
        _ => schema["properties"] is not null ? ["object"] : [],
    };

    private static string MainType(JsonNode schema) => Types(schema).FirstOrDefault(t => t is not ("null" or "string")) is { } other && !Types(schema).Contains("string")
        ? other
        : Types(schema).Contains("string") && Types(schema).Any(t => t is "integer" or "number") ? Types(schema).First(t => t is "integer" or "number")
        : Types(schema).FirstOrDefault(t => t != "null") ?? "string";

    private static bool IsString(JsonNode schema) => MainType(schema) == "string";

    /// <summary>Leaf fields of a body, as dotted paths ("items[].name").</summary>
    private static IEnumerable<(string Path, JsonNode Schema)> Fields(JsonNode document, JsonNode schema, string prefix)
    {
        schema = Resolve(document, schema);
        foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
        {
            var resolved = Resolve(document, propertySchema!);
            var path = prefix + property;
            switch (MainType(resolved))
            {
                case "object":
                    foreach (var inner in Fields(document, resolved, path + "."))
                    {
                        yield return inner;
                    }

                    break;
                case "array":
                    var items = resolved["items"] is { } itemSchema ? Resolve(document, itemSchema) : JsonNode.Parse("{\"type\":\"string\"}")!;
                    if (MainType(items) == "object")
                    {
                        foreach (var inner in Fields(document, items, path + "[]."))
                        {
                            yield return inner;
                        }
                    }
                    else
                    {
                        yield return (path + "[]", items);
                    }

                    break;
                default:
                    yield return (path, resolved);
                    break;
            }
        }
    }

    private static IEnumerable<(string Label, JsonNode? Value)> Mutations(JsonNode schema)
    {
        var format = schema["format"]?.GetValue<string>();
        switch (MainType(schema), format)
        {
            case ("string", "date"):
                yield return ("0001-01-01", "0001-01-01");
                yield return ("9999-12-31", "9999-12-31");
                yield return ("wrong type", true);
                yield return ("NUL", Nul);
                break;
            case ("string", "date-time"):
                yield return ("0001-01-01", "0001-01-01T00:00:00Z");
                yield return ("9999-12-31", "9999-12-31T23:59:59Z");
                yield return ("wrong type", 12);
                break;
            case ("string", "uuid"):
                yield return ("wrong type", 12);
                yield return ("NUL", Nul);
                break;
            case ("string", _):
                yield return ("NUL", Nul);
                yield return ("control", Bell);
                yield return ("1 MB", Megabyte);
                yield return ("wrong type", 12345);
                yield return ("object", new JsonObject { ["a"] = 1 });
                break;
            case ("integer" or "number", _):
                yield return ("NaN", "NaN");
                yield return ("Infinity", "Infinity");
                yield return ("-Infinity", "-Infinity");
                yield return ("1e400", JsonNode.Parse("1e400"));
                yield return ("wrong type", "abc");
                yield return ("huge", JsonNode.Parse("1e300"));
                break;
            case ("boolean", _):
                yield return ("wrong type", "yes");
                yield return ("NUL", Nul);
                break;
            default:
                yield return ("wrong type", "x");
                break;
        }
    }

    /// <summary>A body that passes validation as far as the probe can make it, so mutations reach the code that writes.</summary>
    private JsonNode? Example(JsonNode document, JsonNode schema, string path, string? propertyName)
    {
        schema = Resolve(document, schema);
        var v = fixture.Values;
        var type = MainType(schema);
        if (type == "object")
        {
            var result = new JsonObject();
            foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
            {
                result[property] = Example(document, propertySchema!, path, property);
            }

            return result;
        }

        if (type == "array")
        {
            return propertyName switch
            {
                "eventTypes" => new JsonArray("AssignmentStarted"),
                "channels" => new JsonArray("in_app"),
                _ => new JsonArray(Example(document, schema["items"]!, path, null)),
            };
        }

        var format = schema["format"]?.GetValue<string>();
        return (propertyName, type, format) switch
        {
            ("id", _, "uuid") => Guid.NewGuid().ToString(),
            ("cadreId", _, _) => v["cadre"],
            (_, _, "uuid") => Guid.NewGuid().ToString(),
            (_, _, "date") => v["today"],
            (_, _, "date-time") => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ("villageCode", _, _) => v["village"],
            ("regionCode", _, _) when path.Contains("/revolving-funds/", StringComparison.Ordinal) => v["village"],
            ("borrowerKind", _, _) => "household",
            ("force", _, _) => "team_member",
            ("kind", _, _) when path.Contains("/records", StringComparison.Ordinal) => "daily_log",
            ("kind", _, _) when path.Contains("/contacts", StringComparison.Ordinal) => "call",
            ("kind", _, _) => "completed",
            ("category", _, _) => "exited",
            ("status", _, _) => "exited",
            ("role", _, _) => "co_helper",
            ("prefix" or "regionPrefix", _, _) => "511702",
            ("url", _, _) => "http://127.0.0.1:1/probe",
            ("unitCode", _, _) => null,
            ("title", _, _) => "探针标题",
            ("body", _, _) => "探针正文",
            ("longitude", _, _) => 107.501234,
            ("latitude", _, _) => 31.212345,
            ("radiusMeters", _, _) => 3000,
            ("minimumDays", _, _) => 20,
            (_, "boolean", _) => true,
            (_, "integer" or "number", _) => 1,
            _ => "探针文本",
        };
    }
}
