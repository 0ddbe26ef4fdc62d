using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Contracts;

/// <summary>
/// Issue 22: the contracts other systems build on are kept in the repository (docs/api: each service's OpenAPI document,
/// and the gRPC services, messages and enums of the .proto files), and a change that breaks one fails here unless the
/// document's major version is raised (<see cref="ContractCompatibility"/>). A change that breaks nothing fails too
/// until it is published: PLATFORM_ACCEPT_CONTRACTS=1 writes the current contracts into docs/api.
/// </summary>
[Collection(OpenApiDocumentsCollection.Name)]
public sealed class ContractCompatibilityTests(OpenApiDocumentsFixture fixture)
{
    private static readonly string Published = Path.Combine(Repository.Root, "docs", "api");

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static bool Accept => Environment.GetEnvironmentVariable("PLATFORM_ACCEPT_CONTRACTS") == "1";

    private const string HowToPublish = "publish the current contracts with PLATFORM_ACCEPT_CONTRACTS=1 (tests/Platform.IntegrationTests, filter ContractCompatibility) and commit docs/api";

    [Fact]
    public async Task No_OpenAPI_document_breaks_what_it_published()
    {
        var breaks = new List<string>();
        var outdated = new List<string>();
        foreach (var (service, document) in fixture.Documents)
        {
            var current = JsonNode.Parse(document)!.AsObject();
            var text = current.ToJsonString(Pretty) + "\n";
            var file = Path.Combine(Published, "openapi", service + ".json");
            if (Accept)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, text);
                continue;
            }

            File.Exists(file).ShouldBeTrue($"{file} is missing: {HowToPublish}");
            var published = await File.ReadAllTextAsync(file);
            breaks.AddRange(ContractCompatibility.OpenApiBreaks(JsonNode.Parse(published)!.AsObject(), current).Select(b => $"{service}: {b}"));
            if (published != text)
            {
                outdated.Add(service);
            }
        }

        breaks.ShouldBeEmpty("breaking changes to a published REST contract; raise the document's major version if they are meant");
        outdated.ShouldBeEmpty($"the services' documents changed without breaking anything: {HowToPublish}");
    }

    [Fact]
    public async Task No_gRPC_contract_breaks_what_it_published()
    {
        var current = ContractCompatibility.Describe(ProtoFiles());
        var text = current.ToJsonString(Pretty) + "\n";
        var file = Path.Combine(Published, "grpc-contracts.json");
        if (Accept)
        {
            Directory.CreateDirectory(Published);
            await File.WriteAllTextAsync(file, text);
            return;
        }

        File.Exists(file).ShouldBeTrue($"{file} is missing: {HowToPublish}");
        var published = await File.ReadAllTextAsync(file);
        ContractCompatibility.GrpcBreaks(JsonNode.Parse(published)!.AsObject(), current)
            .ShouldBeEmpty("breaking changes to a published gRPC contract; publish a new package version (v2) beside it instead");
        published.ShouldBe(text, $"the .proto files changed without breaking anything: {HowToPublish}");
    }

    /// <summary>Every .proto file compiled into Platform.Contracts (each has a generated class with a static Descriptor).</summary>
    private static IEnumerable<FileDescriptor> ProtoFiles() =>
        typeof(Platform.Contracts.Grpc.Dispatch.V1.VillageRegistry).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!)
            .DistinctBy(f => f.Name);
}

/// <summary>The compatibility rules themselves, on small documents (JSON written with ' for ").</summary>
public sealed class ContractCompatibilityRulesTests
{
    private static JsonObject Json(string text) => JsonNode.Parse(text.Replace('\'', '"'))!.AsObject();

    private static JsonObject Document(string version, string paths, string schemas) =>
        Json("{'openapi':'3.1.1','info':{'title':'t','version':'" + version + "'},'paths':{" + paths + "},'components':{'schemas':{" + schemas + "}}}");

    private const string Village =
        "'Village':{'type':'object','properties':{'code':{'type':'string'},'category':{'type':'string','enum':['poor','non_poor']},'households':{'type':['null','integer']}}}";

    [Fact]
    public void Adding_breaks_nothing()
    {
        var published = Document("1.0.0", "'/villages/{code}':{'get':{}}", Village);
        var current = Document("1.0.0", "'/villages/{code}':{'get':{}},'/villages':{'get':{}}",
            "'Village':{'type':'object','properties':{'code':{'type':'string'},'category':{'type':'string','enum':['poor','non_poor','relocated']},'households':{'type':'integer'},'name':{'type':'string'}}}");
        ContractCompatibility.OpenApiBreaks(published, current).ShouldBeEmpty();
    }

    [Fact]
    public void Removing_an_operation_a_field_or_an_enum_value_or_changing_a_type_breaks()
    {
        var published = Document("1.0.0", "'/villages/{code}':{'get':{},'put':{}}", Village);
        var current = Document("1.0.0", "'/villages/{code}':{'get':{}}",
            "'Village':{'type':'object','properties':{'category':{'type':'string','enum':['poor']},'households':{'type':'string'}}}");
        ContractCompatibility.OpenApiBreaks(published, current).ShouldBe(
        [
            "operation removed: PUT /villages/{code}",
            "field removed: Village.code",
            "enum value removed: Village.category \"non_poor\"",
            "type changed: Village.households was integer, is string",
        ], ignoreOrder: true);
    }

    [Fact]
    public void A_new_major_version_may_break()
    {
        var published = Document("1.0.0", "'/villages/{code}':{'get':{}}", Village);
        ContractCompatibility.OpenApiBreaks(published, Document("2.0.0", "", "")).ShouldBeEmpty();
        ContractCompatibility.OpenApiBreaks(published, Document("1.1.0", "", "")).ShouldNotBeEmpty();
    }

    [Fact]
    public void A_gRPC_field_renumbered_or_removed_breaks_and_a_new_one_does_not()
    {
        var published = Json("{'a.proto':{'services':{'x.S':{'Get':'x.Req -> x.Res'}},'messages':{'x.Req':{'code':'1 string','page':'2 int32'}},'enums':{'x.Kind':{'A':0,'B':1}}}}");
        var added = Json("{'a.proto':{'services':{'x.S':{'Get':'x.Req -> x.Res','List':'x.Req -> x.Res'}},'messages':{'x.Req':{'code':'1 string','page':'2 int32','size':'3 int32'}},'enums':{'x.Kind':{'A':0,'B':1,'C':2}}}}");
        ContractCompatibility.GrpcBreaks(published, added).ShouldBeEmpty();

        var broken = Json("{'a.proto':{'services':{'x.S':{}},'messages':{'x.Req':{'code':'4 string'}},'enums':{'x.Kind':{'A':0}}}}");
        ContractCompatibility.GrpcBreaks(published, broken).ShouldBe(
        [
            "method removed: x.S.Get",
            "changed: x.Req.code was \"1 string\", is \"4 string\"",
            "field removed: x.Req.page",
            "enum value removed: x.Kind.B",
        ], ignoreOrder: true);
    }
}
