using System.Text.Json.Nodes;

namespace Platform.IntegrationTests.Contracts;

/// <summary>
/// What a generated client needs of every document the services serve (the ones <see cref="ContractCompatibilityTests"/>
/// publishes): each list says what it holds and each map what its values are, or the client gets an untyped node (the
/// dispatch attendance's <c>dailyLogDays</c>, a list of dates, was published as a bare array); and a paged list's
/// <c>next</c> is typed as its <c>after</c> takes it, so the cursor a page answers goes back as it is (five lists answered
/// their id cursor as a plain string while <c>after</c> took a uuid, and the console parsed each one).
/// </summary>
[Collection(OpenApiDocumentsCollection.Name)]
public sealed class ContractShapeTests(OpenApiDocumentsFixture fixture)
{
    [Fact]
    public void Every_list_has_items_and_every_map_its_values()
    {
        var untyped = new List<string>();
        foreach (var (service, document) in fixture.Documents)
        {
            Walk(JsonNode.Parse(document)!, service, untyped);
        }

        untyped.ShouldBeEmpty("a list without items, or an object without properties or additionalProperties, is untyped in a generated client");
    }

    [Fact]
    public void A_paged_list_answers_its_next_cursor_as_its_after_parameter_takes_it()
    {
        var checkedLists = 0;
        var mismatches = new List<string>();
        foreach (var (service, document) in fixture.Documents)
        {
            var root = JsonNode.Parse(document)!;
            foreach (var (path, item) in root["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (operation?["parameters"] is not JsonArray parameters
                        || parameters.FirstOrDefault(p => p?["name"]?.GetValue<string>() == "after" && p["in"]?.GetValue<string>() == "query") is not { } after)
                    {
                        continue;
                    }

                    var answer = Resolve(root, operation["responses"]?["200"]?["content"]?["application/json"]?["schema"]);
                    if (answer?["type"]?.ToString() == "array")
                    {
                        // A bare list: the client takes the last item's key as the next cursor.
                        continue;
                    }

                    var next = answer?["properties"]?["next"];
                    if (next is null)
                    {
                        mismatches.Add($"{service}: {method.ToUpperInvariant()} {path} takes after but answers no next");
                        continue;
                    }

                    checkedLists++;
                    var (afterType, afterFormat) = Shape(after["schema"]!);
                    var (nextType, nextFormat) = Shape(next);
                    if (afterType != nextType || afterFormat != nextFormat)
                    {
                        mismatches.Add($"{service}: {method.ToUpperInvariant()} {path} takes after as {afterType}/{afterFormat ?? "-"} but answers next as {nextType}/{nextFormat ?? "-"}");
                    }
                }
            }
        }

        checkedLists.ShouldBeGreaterThan(10);
        mismatches.ShouldBeEmpty();
    }

    private static JsonNode? Resolve(JsonNode root, JsonNode? schema) =>
        schema?["$ref"]?.GetValue<string>() is { } reference
            ? reference.Split('/').Skip(1).Aggregate((JsonNode?)root, (node, part) => node?[part])
            : schema;

    /// <summary>A schema's type without null, and its format.</summary>
    private static (string? Type, string? Format) Shape(JsonNode schema) =>
        (schema["type"] switch
        {
            JsonArray types => string.Join("|", types.Select(t => t!.GetValue<string>()).Where(t => t != "null").Order(StringComparer.Ordinal)),
            JsonValue type => type.GetValue<string>(),
            _ => null,
        }, schema["format"]?.GetValue<string>());

    private static void Walk(JsonNode? node, string where, List<string> untyped)
    {
        switch (node)
        {
            case JsonObject schema:
                var types = schema["type"] switch
                {
                    JsonArray list => list.Select(t => t!.GetValue<string>()).ToList(),
                    JsonValue one => [one.GetValue<string>()],
                    _ => [],
                };
                if (types.Contains("array") && schema["items"] is null)
                {
                    untyped.Add($"{where}: an array without items");
                }

                if (types.Contains("object") && schema["properties"] is not JsonObject { Count: > 0 } && schema["additionalProperties"] is null)
                {
                    untyped.Add($"{where}: an object without properties or additionalProperties");
                }

                foreach (var (name, child) in schema)
                {
                    // Examples are values, not schemas.
                    if (name is not ("example" or "examples"))
                    {
                        Walk(child, $"{where}/{name}", untyped);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{where}/{i}", untyped);
                }

                break;
        }
    }
}
