using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// What a person reads in a document besides each operation's summary (issue 22: Chinese and English): the parameters
/// the services share by name, the success responses, and an example of each JSON request body made from its schema, so
/// no endpoint repeats them. An operation's own text (WithSummary, a description already set) is left as it is.
/// </summary>
internal static class ContractText
{
    /// <summary>Parameters by name, the same in every service (path or query).</summary>
    private static readonly IReadOnlyDictionary<string, string> Parameters = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["id"] = "记录的 id（UUID） / the record's id (a UUID)",
        ["code"] = "区划或单位代码（村为12位数字） / the region's or unit's code (12 digits for a village)",
        ["prefix"] = "区划代码前缀（0到12位数字，空为调用方的整个范围；超出范围时 403 region_out_of_scope） / a region code prefix (0-12 digits, empty for the caller's whole scope; outside it 403 region_out_of_scope)",
        ["region"] = "区划代码（0到12位数字） / a region code (0-12 digits)",
        ["limit"] = "每页条数 / how many items a page holds",
        ["after"] = "上一页答复的 next，取下一页 / the previous page's next, for the page after it",
        ["before"] = "只取此之前的记录 / only records before this one",
        ["page"] = "页码，从1开始 / the page number, from 1",
        ["pageSize"] = "每页条数 / how many items a page holds",
        ["year"] = "年份，如 2026 / the year, such as 2026",
        ["month"] = "月份，yyyy-MM（中国时间） / the month as yyyy-MM (China time)",
        ["from"] = "起始日期（含），yyyy-MM-dd / the first day (included), yyyy-MM-dd",
        ["to"] = "截止日期（含），yyyy-MM-dd / the last day (included), yyyy-MM-dd",
        ["on"] = "日期，yyyy-MM-dd（默认今日） / the day, yyyy-MM-dd (today by default)",
        ["status"] = "按状态筛选 / only records of this status",
        ["state"] = "按状态筛选 / only records of this state",
        ["kind"] = "类型 / the kind",
        ["level"] = "汇总的区划级别（city、county 或 township） / the region level to sum up by (city, county or township)",
        ["fileName"] = "上传文件的文件名，记入导入记录 / the uploaded file's name, kept in the import's record",
        ["queue"] = "错误队列的名称 / the error queue's name",
        ["max"] = "最多处理的条数 / at most this many",
        ["userName"] = "账户的用户名 / the account's user name",
        ["cadreId"] = "干部的 id（UUID） / the cadre's id (a UUID)",
        ["subjectKind"] = "对象类型 / the subject's kind",
        ["subjectId"] = "对象的 id 或代码 / the subject's id or code",
        ["county"] = "县级区划代码（6位数字） / the county's code (6 digits)",
        ["countyCode"] = "县级区划代码（6位数字） / the county's code (6 digits)",
        ["city"] = "市级区划代码（4位数字） / the city's code (4 digits)",
        ["provinceCode"] = "省级区划代码（2位数字） / the province's code (2 digits)",
        ["rule"] = "通知规则 / the notification rule",
        ["role"] = "角色 / the role",
        ["Idempotency-Key"] = "幂等键：同一请求重试时保持不变 / the idempotency key, the same on every retry of one request",
    };

    /// <summary>Example values by property name; other properties get one by their type and format.</summary>
    private static readonly IReadOnlyDictionary<string, JsonNode> Examples = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
    {
        ["villageCode"] = "410102001001",
        ["regionCode"] = "410102001001",
        ["code"] = "410102001001",
        ["countyCode"] = "410102",
        ["county"] = "410102",
        ["cityCode"] = "4101",
        ["prefix"] = "4101",
        ["region"] = "410102",
        ["month"] = "2026-11",
        ["year"] = 2026,
        ["reason"] = "按县委组织部通知调整",
        ["note"] = "已核实",
        ["name"] = "张三",
        ["title"] = "十一月走访安排",
        ["evidence"] = "现场照片及会议记录",
        ["longitude"] = 113.62,
        ["latitude"] = 34.75,
        ["amountFen"] = 1500000,
        ["phone"] = "13800000000",
    };

    public static void Describe(OpenApiDocument document)
    {
        foreach (var (_, item) in document.Paths)
        {
            foreach (var (_, operation) in item.Operations ?? [])
            {
                foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                {
                    if (parameter.Description is null && parameter.Name is { } name && Parameters.TryGetValue(name, out var text))
                    {
                        parameter.Description = text;
                    }
                }

                if (operation.RequestBody is OpenApiRequestBody body)
                {
                    DescribeBody(body, document);
                }

                foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
                {
                    response.Description = response.Description switch
                    {
                        "OK" => "成功 / OK",
                        "Created" => "已创建 / Created",
                        "Accepted" => "已受理，在后台处理 / Accepted, to be done in the background",
                        "No Content" => "成功，无内容 / Done, nothing to return",
                        var other => other,
                    };
                }
            }
        }
    }

    private static void DescribeBody(OpenApiRequestBody body, OpenApiDocument document)
    {
        foreach (var (type, media) in body.Content ?? new Dictionary<string, OpenApiMediaType>())
        {
            if (type == "text/csv")
            {
                body.Description ??= "CSV 文件：UTF-8，首行为中文表头，全部成功或全部不导入 / a CSV file: UTF-8, Chinese headers on the first line, all or nothing";
            }
            else if (type.Contains("json", StringComparison.Ordinal) && media.Schema is { } schema)
            {
                body.Description ??= "请求内容（JSON），见示例 / the request body (JSON), see the example";
                media.Example ??= Example(schema, null, document, 0);
            }
        }
    }

    /// <summary>An example value of <paramref name="schema"/>, by the property's name where one is known, else by type and format.</summary>
    private static JsonNode? Example(IOpenApiSchema schema, string? name, OpenApiDocument document, int depth)
    {
        if (schema is OpenApiSchemaReference { Reference.Id: { } id } && document.Components?.Schemas?.TryGetValue(id, out var target) == true)
        {
            schema = target;
        }

        if (depth > 5)
        {
            return null; // a schema that contains itself
        }

        // A nullable reference is oneOf null and the schema: the example shows the schema.
        if ((schema.OneOf ?? schema.AnyOf)?.FirstOrDefault(s => s.Type != JsonSchemaType.Null) is { } alternative)
        {
            return Example(alternative, name, document, depth + 1);
        }

        if (schema.Enum?.FirstOrDefault(v => v is not null) is { } first)
        {
            return first.DeepClone();
        }

        var type = schema.Type ?? JsonSchemaType.Object;
        if (type.HasFlag(JsonSchemaType.Array))
        {
            // The items of a list named like a known value show that value (evidence: ["现场照片及会议记录"]).
            return schema.Items is { } items ? new JsonArray(Example(items, name, document, depth + 1)) : new JsonArray();
        }

        if (!type.HasFlag(JsonSchemaType.Object) && name is not null && Examples.TryGetValue(name, out var known))
        {
            return known.DeepClone();
        }

        // Numbers first: a number the JSON options also read from a string is "integer or string" in the schema.
        if (type.HasFlag(JsonSchemaType.Integer))
        {
            return 1;
        }

        if (type.HasFlag(JsonSchemaType.Number))
        {
            return 1.5;
        }

        if (type.HasFlag(JsonSchemaType.Boolean))
        {
            return true;
        }

        if (type.HasFlag(JsonSchemaType.String))
        {
            return schema.Format switch
            {
                "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "date" => "2026-11-02",
                "date-time" => "2026-11-02T09:30:00+08:00",
                _ => "string",
            };
        }

        var example = new JsonObject();
        foreach (var (property, value) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            example[property] = Example(value, property, document, depth + 1);
        }

        return example;
    }
}
