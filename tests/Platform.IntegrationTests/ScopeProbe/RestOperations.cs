using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>One REST request of the probe: what it is for, and everything it sent (to tell an echo from a leak).</summary>
public sealed record RestProbeRequest(string Service, string Operation, HttpMethod Method, string Url, string? Body, string ContentType)
{
    public string Sent => Url + "\n" + Body;

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Url) { Content = Body is null ? null : new StringContent(Body, Encoding.UTF8, ContentType) };
        // A write carries a fresh Idempotency-Key, as the console sends one: a write that requires it gets past that check to the lookup probed.
        if (Method != HttpMethod.Get)
        {
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        return message;
    }
}

/// <summary>An operation of a service's OpenAPI document.</summary>
public sealed record RestOperation(string Service, string Method, string Path, JsonObject Definition, JsonObject Document)
{
    public string Name => $"{Method.ToUpperInvariant()} {Path}";
}

/// <summary>
/// Reads every operation of a service's OpenAPI document (GET /openapi/v1.json) and builds its requests from the
/// document alone: path and query parameters and JSON bodies (from the request schema, $ref, oneOf and nullable type
/// lists resolved) filled by <see cref="ProbeValues"/>; <c>text/csv</c> bodies from <see cref="ProbeValues.Csv"/>.
/// What it cannot build is reported by name (<see cref="CannotBuildException"/>).
/// </summary>
public static class RestOperations
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    /// <summary>At most this many requests per operation and caller.</summary>
    private const int MaxVariants = 32;

    public static IReadOnlyList<RestOperation> Read(string service, string openApiJson)
    {
        var document = JsonNode.Parse(openApiJson)!.AsObject();
        var operations = new List<RestOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, definition) in item!.AsObject().Where(p => Methods.Contains(p.Key)))
            {
                operations.Add(new RestOperation(service, method, path, definition!.AsObject(), document));
            }
        }

        return operations;
    }

    /// <summary>
    /// The requests for one operation: every record named with the target county's values, and, for each field or
    /// parameter that names a record (its home and target values differ), the home county's request with only that one
    /// naming the target's record (a 511702 village with a 511703 cadre: the lookup the probe is after), each also with
    /// the other values of one vocabulary field (force, kind...). For a caller probing its own records (home = target),
    /// the home request and its vocabulary variants.
    /// </summary>
    public static IReadOnlyList<RestProbeRequest> Build(RestOperation operation, ProbeValues home, ProbeValues target)
    {
        var slots = Slots(operation, home).Zip(Slots(operation, target), (h, t) => new Slot(h.Name, h.Candidates, t.Candidates, h.Apply)).ToList();
        var requests = new List<RestProbeRequest>();
        void Add(Func<int, object?> choose)
        {
            var draft = new Draft(operation.Path, slots.Any(s => s.Name == "body") ? new JsonObject() : null);
            for (var i = 0; i < slots.Count; i++)
            {
                slots[i].Apply(draft, choose(i));
            }

            var method = new HttpMethod(operation.Method.ToUpperInvariant());
            var url = draft.Path + (draft.Query.Count == 0 ? string.Empty : "?" + string.Join('&', draft.Query));
            var request = draft.Csv is not null
                ? new RestProbeRequest(operation.Service, operation.Name, method, url, draft.Csv, "text/csv")
                : new RestProbeRequest(operation.Service, operation.Name, method, url, draft.Body?.ToJsonString(), "application/json");
            if (requests.Count < MaxVariants && !requests.Any(r => r.Url == request.Url && r.Body == request.Body))
            {
                requests.Add(request);
            }
        }

        var naming = Enumerable.Range(0, slots.Count).Where(i => slots[i].Names).ToList();
        var vocabulary = Enumerable.Range(0, slots.Count).Where(i => !slots[i].Names).ToList();
        // Everything from the target, then each of its other candidates (the other cadre, another force...).
        Add(i => slots[i].Target[0]);
        foreach (var i in Enumerable.Range(0, slots.Count))
        {
            foreach (var candidate in slots[i].Target.Skip(1))
            {
                Add(j => j == i ? candidate : slots[j].Target[0]);
            }
        }

        // The home request with one record of the target, alone and with each vocabulary variant.
        foreach (var n in naming)
        {
            foreach (var candidate in slots[n].Target)
            {
                Add(j => j == n ? candidate : slots[j].Home[0]);
                foreach (var v in vocabulary)
                {
                    foreach (var word in slots[v].Home.Skip(1))
                    {
                        Add(j => j == n ? candidate : j == v ? word : slots[j].Home[0]);
                    }
                }
            }
        }

        return requests;
    }

    private sealed record Slot(string Name, IReadOnlyList<object?> Home, IReadOnlyList<object?> Target, Action<Draft, object?> Apply)
    {
        /// <summary>The slot names a record: the home county's and the target's values differ.</summary>
        public bool Names => !Home.Select(Text).SequenceEqual(Target.Select(Text));
    }

    /// <summary>Each thing to fill (a path or query parameter, a body field, the CSV file) with its candidates from <paramref name="values"/>.</summary>
    private static List<(string Name, IReadOnlyList<object?> Candidates, Action<Draft, object?> Apply)> Slots(RestOperation operation, ProbeValues values)
    {
        var slots = new List<(string Name, IReadOnlyList<object?> Candidates, Action<Draft, object?> Apply)>();
        var segments = operation.Path.Split('/');
        foreach (var parameter in (operation.Definition["parameters"]?.AsArray() ?? []).Select(p => Resolve(operation.Document, p!)))
        {
            var name = parameter["name"]!.GetValue<string>();
            var location = parameter["in"]!.GetValue<string>();
            var required = parameter["required"]?.GetValue<bool>() ?? false;
            var (type, format) = TypeOf(operation.Document, parameter["schema"]?.AsObject());
            var index = Array.IndexOf(segments, "{" + name + "}");
            var segment = index > 0 ? segments[index - 1] : null;
            var candidates = location switch
            {
                "path" or "query" => values.For(name, type, format, segment, location == "path", location == "query", operation.Path),
                _ => null, // headers and cookies: the probe sends none beyond the token
            };
            if (candidates is null)
            {
                if (!required && location != "path")
                {
                    continue;
                }

                throw new CannotBuildException(operation.Name, $"no value for {location} parameter '{name}' ({type}{(format is null ? "" : ", " + format)})");
            }

            slots.Add((name, candidates.Cast<object?>().ToList(), location == "path"
                ? (draft, value) => draft.Path = draft.Path.Replace("{" + name + "}", Uri.EscapeDataString(Text(value)), StringComparison.Ordinal)
                : (draft, value) => draft.Query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(Text(value))}")));
        }

        if (operation.Definition["requestBody"]?.AsObject() is { } requestBody)
        {
            var content = Resolve(operation.Document, requestBody)["content"]!.AsObject();
            if (content["application/json"]?["schema"] is { } schema)
            {
                foreach (var (name, candidates) in BodyFields(operation, schema.AsObject(), values))
                {
                    slots.Add(("body." + name, candidates.Cast<object?>().ToList(), (draft, value) => draft.Body![name] = ((JsonNode?)value)?.DeepClone()));
                }

                slots.Add(("body", [null], (_, _) => { })); // marks that the request has a JSON body, even without fields
            }
            else if (content.ContainsKey("text/csv"))
            {
                var files = values.Csv(operation.Path) ?? throw new CannotBuildException(operation.Name, "a text/csv body the probe has no file for (add one to ProbeValues.Csv)");
                slots.Add(("csv", files.Cast<object?>().ToList(), (draft, value) => draft.Csv = (string)value!));
            }
            else
            {
                throw new CannotBuildException(operation.Name, $"a request body of {string.Join(", ", content.Select(c => c.Key))}");
            }
        }

        return slots;
    }

    private static IEnumerable<(string Name, IReadOnlyList<JsonNode?> Candidates)> BodyFields(RestOperation operation, JsonObject schema, ProbeValues values)
    {
        var resolved = ObjectSchema(operation.Document, schema)
            ?? throw new CannotBuildException(operation.Name, "a JSON body whose schema is not an object");
        foreach (var (name, property) in resolved["properties"]?.AsObject() ?? [])
        {
            var (type, format) = TypeOf(operation.Document, property!.AsObject());
            if (type == "array")
            {
                var items = Resolve(operation.Document, property["items"]!.AsObject());
                var (itemType, itemFormat) = TypeOf(operation.Document, items);
                var named = values.For(name, "array", null, null, false, false, operation.Path);
                var single = named ?? values.For(name, itemType, itemFormat, null, false, false, operation.Path)?.Select(v => (JsonNode?)new JsonArray(v?.DeepClone())).ToList();
                yield return (name, single ?? throw new CannotBuildException(operation.Name, $"no value for the array field '{name}'"));
                continue;
            }

            if (type == "object")
            {
                // A nested object only as ProbeValues gives it whole (a scoring model's definition).
                yield return (name, values.For(name, "object", null, null, false, false, operation.Path)
                    ?? throw new CannotBuildException(operation.Name, $"the nested object field '{name}'"));
                continue;
            }

            yield return (name, values.For(name, type, format, null, false, false, operation.Path)
                ?? throw new CannotBuildException(operation.Name, $"no value for the body field '{name}' ({type}{(format is null ? "" : ", " + format)})"));
        }
    }

    /// <summary>An object schema behind $ref and nullable oneOf, or null.</summary>
    private static JsonObject? ObjectSchema(JsonObject document, JsonObject schema)
    {
        var resolved = Resolve(document, schema);
        if (resolved["oneOf"] is JsonArray oneOf)
        {
            return oneOf.Select(s => ObjectSchema(document, s!.AsObject())).FirstOrDefault(s => s is not null);
        }

        return TypeOf(document, resolved).Type == "object" ? resolved : null;
    }

    /// <summary>The schema's type (the non-null one of a type list; "array" and "object" as such) and format.</summary>
    private static (string? Type, string? Format) TypeOf(JsonObject document, JsonObject? schema)
    {
        if (schema is null)
        {
            return (null, null);
        }

        var resolved = Resolve(document, schema);
        var format = resolved["format"]?.GetValue<string>();
        return resolved["type"] switch
        {
            JsonValue value => (value.GetValue<string>(), format),
            JsonArray list => (list.Select(t => t!.GetValue<string>()).Where(t => t != "null")
                .OrderBy(t => t switch { "array" => 0, "object" => 1, "integer" => 2, "number" => 3, "boolean" => 4, _ => 5 }).FirstOrDefault(), format),
            _ => (resolved["properties"] is not null ? "object" : null, format),
        };
    }

    private static JsonObject Resolve(JsonObject document, JsonNode node)
    {
        var current = node.AsObject();
        while (current["$ref"]?.GetValue<string>() is { } reference)
        {
            JsonNode target = document;
            foreach (var part in reference.TrimStart('#', '/').Split('/'))
            {
                target = target[part] ?? throw new InvalidOperationException($"unresolved {reference}");
            }

            current = target.AsObject();
        }

        return current;
    }

    private static string Text(object? value) => value switch
    {
        string s => s,
        _ => JsonText(value),
    };

    private static string JsonText(object? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonNode n => n.ToJsonString(),
        _ => string.Empty,
    };

    private sealed class Draft(string path, JsonObject? body)
    {
        public string Path { get; set; } = path;
        public List<string> Query { get; } = [];
        public JsonObject? Body { get; } = body;
        public string? Csv { get; set; }
    }
}

/// <summary>The probe cannot build a request for an operation: the test fails with its name unless it is listed with a reason.</summary>
public sealed class CannotBuildException(string operation, string why) : Exception($"{operation}: {why}")
{
    public string Operation { get; } = operation;
}
