using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Platform.UnitTests;

/// <summary>
/// The OpenAPI documents describe the values the input rules' converters read and write (Platform.ServiceDefaults,
/// InputRules.cs) as the built-in converters would: a date as a string of format date wherever it stands, alone, nullable,
/// in a list or as a map's value. The schema exporter knows nothing of a custom converter and drops a list's items or a
/// map's values it cannot describe; dispatch published a list of dates as an array without items.
/// </summary>
public sealed class OpenApiTypesTests
{
    public sealed record Probe(
        DateOnly Day,
        DateOnly? MaybeDay,
        IReadOnlyList<DateOnly> Days,
        List<DateOnly?> MaybeDays,
        DateOnly[] DayArray,
        IReadOnlyDictionary<string, DateOnly> DayByName,
        IReadOnlyList<DateTimeOffset> Moments,
        IReadOnlyList<double> Numbers,
        IReadOnlyList<string> Texts,
        IReadOnlyDictionary<string, string> Facts);

    [Fact]
    public async Task Dates_texts_numbers_and_instants_keep_their_type_and_format_alone_nullable_in_lists_and_in_maps()
    {
        var document = await DocumentAsync();
        var properties = document["components"]!["schemas"]!.AsObject().Select(s => s.Value!["properties"]).Single(p => p?["dayByName"] is not null)!;

        Describe(properties["day"]).ShouldBe("string date");
        Describe(properties["maybeDay"]).ShouldBe("null|string date");
        Describe(properties["days"]!["items"]).ShouldBe("string date");
        Describe(properties["maybeDays"]!["items"]).ShouldBe("null|string date");
        Describe(properties["dayArray"]!["items"]).ShouldBe("string date");
        Describe(properties["dayByName"]!["additionalProperties"]).ShouldBe("string date");
        Describe(properties["moments"]!["items"]).ShouldBe("string date-time");
        Describe(properties["numbers"]!["items"]).ShouldBe("number double");
        Describe(properties["texts"]!["items"]).ShouldBe("string");
        Describe(properties["facts"]!["additionalProperties"]).ShouldBe("string");

        var parameters = document["paths"]!["/probe"]!["post"]!["parameters"]!.AsArray();
        Describe(parameters.Single(p => p!["name"]!.GetValue<string>() == "on")!["schema"]).ShouldBe("string date");
    }

    /// <summary>"type format", the types ordered and joined by |; "missing" for no schema.</summary>
    private static string Describe(JsonNode? schema)
    {
        if (schema is null)
        {
            return "missing";
        }

        var type = schema["type"] switch
        {
            JsonArray types => string.Join("|", types.Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal)),
            JsonValue one => one.GetValue<string>(),
            _ => "any",
        };
        return schema["format"] is { } format ? $"{type} {format.GetValue<string>()}" : type;
    }

    /// <summary>The document of an app with the service defaults (and so the input rules) and the services' OpenAPI setup that echoes a <see cref="Probe"/>.</summary>
    private static async Task<JsonNode> DocumentAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults("openapi-types-probe");
        builder.Logging.ClearProviders();
        // As every service registers its document (AddOpenApi itself here would want the XML comment generator's interceptors).
        builder.Services.AddPlatformOpenApi(new ApiContract("probe", "The input rules' types in a document."));
        await using var app = builder.Build();
        app.MapOpenApi();
        app.MapPost("/probe", (Probe body, DateOnly on) => TypedResults.Ok(body));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient();
            return JsonNode.Parse(await client.GetStringAsync(address + "/openapi/v1.json"))!;
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
