using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace Platform.IntegrationTests.Contracts;

/// <summary>
/// What breaks a client built on a published contract (issue 22): in an OpenAPI document, an operation removed, a
/// field of a schema removed or its type changed, an enum value removed; in the gRPC contracts, a service, method,
/// message or field removed, a field's number or type changed, an enum value removed. Adding is never breaking.
/// A document whose major version was raised may break its previous one.
/// </summary>
public static class ContractCompatibility
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static IReadOnlyList<string> OpenApiBreaks(JsonObject published, JsonObject current)
    {
        if (Major(current) > Major(published))
        {
            return [];
        }

        var breaks = new List<string>();
        foreach (var (path, item) in published["paths"]?.AsObject() ?? [])
        {
            foreach (var method in Methods.Where(m => item?[m] is not null))
            {
                if (current["paths"]?[path]?[method] is null)
                {
                    breaks.Add($"operation removed: {method.ToUpperInvariant()} {path}");
                }
            }
        }

        var currentSchemas = current["components"]?["schemas"]?.AsObject();
        foreach (var (name, schema) in published["components"]?["schemas"]?.AsObject() ?? [])
        {
            if (currentSchemas?[name] is not { } now)
            {
                // A schema no operation uses any more goes with its operations (reported above); renamed, it is a new one.
                continue;
            }

            CompareSchema(name, schema!, now, breaks);
        }

        return breaks;
    }

    private static void CompareSchema(string where, JsonNode published, JsonNode current, List<string> breaks)
    {
        if (TypeOf(published) is { } was && TypeOf(current) is { } now && was != now)
        {
            breaks.Add($"type changed: {where} was {was}, is {now}");
        }

        var removedValues = Values(published["enum"]).Except(Values(current["enum"])).ToList();
        if (current["enum"] is not null && removedValues.Count > 0)
        {
            breaks.Add($"enum value removed: {where} {string.Join(", ", removedValues)}");
        }

        foreach (var (property, schema) in published["properties"]?.AsObject() ?? [])
        {
            if (current["properties"]?[property] is not { } now2)
            {
                breaks.Add($"field removed: {where}.{property}");
                continue;
            }

            CompareSchema($"{where}.{property}", schema!, now2, breaks);
        }

        if (published["items"] is { } items && current["items"] is { } currentItems)
        {
            CompareSchema(where + "[]", items, currentItems, breaks);
        }
    }

    /// <summary>The schema's type without null (a field made nullable is not a change of type here), or its $ref.</summary>
    private static string? TypeOf(JsonNode schema)
    {
        if (schema["$ref"] is { } reference)
        {
            return reference.GetValue<string>();
        }

        return schema["type"] switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonArray list => string.Join("|", list.Select(t => t!.GetValue<string>()).Where(t => t != "null").Order(StringComparer.Ordinal)),
            _ => null,
        };
    }

    private static IEnumerable<string> Values(JsonNode? list) => list is JsonArray array ? array.Select(v => v?.ToJsonString() ?? "null") : [];

    private static int Major(JsonObject document) =>
        int.TryParse((document["info"]?["version"]?.GetValue<string>() ?? "1").Split('.')[0], out var major) ? major : 1;

    /// <summary>The gRPC contracts as published: per file, services with their methods, messages with their fields, enums with their values.</summary>
    public static JsonObject Describe(IEnumerable<FileDescriptor> files)
    {
        var result = new JsonObject();
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var services = new JsonObject();
            foreach (var service in file.Services)
            {
                services[service.FullName] = new JsonObject(service.Methods.Select(m => KeyValuePair.Create(m.Name,
                    (JsonNode?)$"{m.InputType.FullName} -> {m.OutputType.FullName}{(m.IsClientStreaming ? " (client stream)" : "")}{(m.IsServerStreaming ? " (server stream)" : "")}")));
            }

            var messages = new JsonObject();
            foreach (var message in Flatten(file.MessageTypes))
            {
                messages[message.FullName] = new JsonObject(message.Fields.InDeclarationOrder().Select(f => KeyValuePair.Create(f.Name,
                    (JsonNode?)$"{f.FieldNumber} {(f.IsRepeated ? "repeated " : "")}{(f.IsMap ? "map " : "")}{TypeName(f)}")));
            }

            var enums = new JsonObject();
            foreach (var @enum in file.EnumTypes.Concat(Flatten(file.MessageTypes).SelectMany(m => m.EnumTypes)))
            {
                enums[@enum.FullName] = new JsonObject(@enum.Values.Select(v => KeyValuePair.Create(v.Name, (JsonNode?)v.Number)));
            }

            result[file.Name] = new JsonObject { ["services"] = services, ["messages"] = messages, ["enums"] = enums };
        }

        return result;
    }

    public static IReadOnlyList<string> GrpcBreaks(JsonObject published, JsonObject current)
    {
        var breaks = new List<string>();
        foreach (var (file, contents) in published)
        {
            foreach (var kind in new[] { "services", "messages", "enums" })
            {
                foreach (var (name, members) in contents![kind]!.AsObject())
                {
                    var now = current[file]?[kind]?[name]?.AsObject();
                    if (now is null)
                    {
                        breaks.Add($"{kind[..^1]} removed: {name} ({file})");
                        continue;
                    }

                    foreach (var (member, shape) in members!.AsObject())
                    {
                        if (now[member] is not { } currentShape)
                        {
                            breaks.Add($"{(kind == "services" ? "method" : kind == "messages" ? "field" : "enum value")} removed: {name}.{member}");
                        }
                        else if (currentShape.ToJsonString() != shape!.ToJsonString())
                        {
                            breaks.Add($"changed: {name}.{member} was {shape.ToJsonString()}, is {currentShape.ToJsonString()}");
                        }
                    }
                }
            }
        }

        return breaks;
    }

    private static IEnumerable<MessageDescriptor> Flatten(IEnumerable<MessageDescriptor> messages) =>
        messages.SelectMany(m => new[] { m }.Concat(Flatten(m.NestedTypes)));

    private static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.FullName,
        FieldType.Enum => field.EnumType.FullName,
        var type => type.ToString().ToLowerInvariant(),
    };
}
