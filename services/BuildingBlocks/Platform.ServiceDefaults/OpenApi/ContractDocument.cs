using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// The document as a whole: title and description (<see cref="ApiContract"/>), the gateway as its server, the bearer
/// scheme required by default, the problem-details schema and the shared problem responses with their stable codes,
/// a description for each tag, <c>operationId</c>s made unique, and the shared texts and examples (<see cref="ContractText"/>).
/// </summary>
internal sealed class ContractDocument(ApiContract contract) : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearer";

    /// <summary>The shared problem responses by status: what each means and the codes it carries (docs/problems.md lists all).</summary>
    public static readonly IReadOnlyDictionary<string, string> Problems = new Dictionary<string, string>
    {
        ["400"] = "请求无效：`bad_request`（无法读取）、`invalid_query`（查询参数）、`invalid_input`（输入规则）或本操作的 `invalid_*` 代码，`errors` 逐项列出字段。"
            + " / The request is invalid: `bad_request` (unreadable), `invalid_query`, `invalid_input` (the input rules) or this operation's own `invalid_*` code; `errors` names each field.",
        ["401"] = "未认证或令牌无效：`unauthenticated`。 / No token or an invalid one: `unauthenticated`.",
        ["403"] = "无权执行：`forbidden`（角色不符）、`missing_region_scope`（令牌没有区划范围）或 `region_out_of_scope`（所查区划超出管辖范围）。 / Not allowed: `forbidden` (role), `missing_region_scope` (a token without a region scope) or `region_out_of_scope` (a listed region outside the caller's scope).",
        ["413"] = "请求内容过大：`payload_too_large`。 / The request is too large: `payload_too_large`.",
        ["404"] = "未找到：`not_found` 或该记录的专用代码（如 `village_not_found`）；超出管辖范围的记录同样答复为未找到。 / Not found: `not_found` or the record's own code (such as `village_not_found`); a record outside the caller's scope answers the same.",
        ["503"] = "暂不可用：`database_unavailable`，按 `Retry-After` 稍后重试。 / Unavailable for now: `database_unavailable`; retry after `Retry-After` seconds.",
    };

    /// <summary>What the other problem statuses mean; an operation that answers one declares it with its codes (<see cref="ProblemResponsesAttribute"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> OtherProblems = new Dictionary<string, string>
    {
        ["409"] = "与现有数据或记录的状态冲突，未做任何更改。 / Conflicts with existing data or the record's state; nothing was changed.",
        ["415"] = "不支持的内容类型：`unsupported_media_type`。 / The content type is not one this operation takes: `unsupported_media_type`.",
        ["422"] = "内容可读但无法处理（如导入文件的行有误），`errors` 逐行列出，未做任何更改。 / Readable but not processable (such as bad lines of an imported file); `errors` lists each; nothing was changed.",
    };

    /// <summary>The code each shared response's example shows.</summary>
    private static readonly IReadOnlyDictionary<string, string> ExampleCodes = new Dictionary<string, string>
    {
        ["400"] = "invalid_input", ["401"] = "unauthenticated", ["403"] = "forbidden", ["404"] = "not_found", ["413"] = "payload_too_large", ["503"] = DatabaseUnavailable.Code,
    };

    public static string ProblemResponse(string status) => "Problem" + status;

    /// <summary>A problem response: the problem schema, and an example of each code it may carry.</summary>
    public static OpenApiResponse ProblemResponse(string status, string description, IEnumerable<string> codes, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new()
            {
                Schema = new OpenApiSchemaReference("Problem", document),
                Examples = codes.ToDictionary(code => code, code => (IOpenApiExample)new OpenApiExample { Summary = code, Value = ProblemExample(int.Parse(status, CultureInfo.InvariantCulture), code) }),
            },
        },
    };

    private static JsonNode ProblemExample(int status, string code) => new JsonObject
    {
        ["type"] = ApiProblems.TypeFor(code),
        ["title"] = code == DatabaseUnavailable.Code ? DatabaseUnavailable.Title : ApiProblems.Describe(status).Title,
        ["status"] = status,
        ["code"] = code,
        ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = contract.Title,
            Version = document.Info?.Version ?? "1.0.0",
            Description = contract.Description + "\n\n" + ApiContract.TokenHelp
                + $"\n\n错误以 RFC 9457 问题详情答复，`code` 稳定，全部代码见 {ApiContract.ProblemsCatalogue}。 / Errors are RFC 9457 problem details with a stable `code`; {ApiContract.ProblemsCatalogue} lists every one.",
            License = new OpenApiLicense
            {
                Name = "仅限政府部门及经授权的系统使用 / For government departments and authorised systems only",
                Identifier = "LicenseRef-Government-Use-Only", // an SPDX reference to a licence of its own, not an open-source one
            },
        };
        // Relative: the document is read through the gateway (/openapi/{service}.json) and its paths are the gateway's.
        document.Servers = [new OpenApiServer { Url = "/", Description = "网关（本文档所在的地址） / the gateway serving this document" }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = ApiContract.TokenHelp,
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas["Problem"] = ProblemSchema();
        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        foreach (var (status, meaning) in Problems)
        {
            document.Components.Responses[ProblemResponse(status)] = ProblemResponse(status, meaning, [ExampleCodes[status]], document);
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description ??= $"{tag.Name} 相关操作 / {tag.Name} operations";
        }

        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.OperationId = OperationIds.Unique(operation.OperationId ?? OperationIds.FromRoute(method.Method, path), method.Method, taken);
            }
        }

        ContractText.Describe(document);
        return Task.CompletedTask;
    }

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 问题详情 / problem details",
        Required = new HashSet<string> { "type", "title", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "urn:problem:platform:{code}" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "给人看的中文标题 / a Chinese title for people" },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "详情（多为英文，供集成方） / details, mostly in English for integrators" },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"稳定的机器可读代码，客户端据此分支 / the stable machine-readable code clients branch on ({ApiContract.ProblemsCatalogue})",
            },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "报给运维的追踪号 / the trace id to quote to operators" },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "逐字段或逐行的错误 / one entry per field or file line",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["field"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["code"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["message"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["line"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int64" },
                    },
                },
            },
        },
        Examples = [JsonNode.Parse("""{"type":"urn:problem:platform:village_not_found","title":"未找到该村","status":404,"code":"village_not_found","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}""")!],
    };
}
