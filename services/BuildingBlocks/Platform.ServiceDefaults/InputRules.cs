using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.ServiceDefaults;

/// <summary>
/// The rules every value a person or a system sends must keep, whatever the field, in one place: text holds no control
/// characters (tab and line breaks aside), no broken encoding (U+FFFD, lone surrogates) and no more than
/// <see cref="MaxTextLength"/> characters; numbers are finite; dates fall in <see cref="DateWindow"/>. REST applies them
/// while reading JSON bodies (<see cref="InputRulesRegistration"/>) and query and route values, gRPC to every string
/// field of a request message, the CSV imports to every field of every row. A broken rule is 400 <c>invalid_input</c>
/// naming the field (the line and column of a file) before anything is written; a feature keeps its own, tighter limits.
/// </summary>
public static class InputRules
{
    /// <summary>The longest text any field takes (free texts such as daily logs are 4,000; this bounds the rest).</summary>
    public const int MaxTextLength = 10_000;

    /// <summary>The longest query or route value (a file name, a prefix, a month...).</summary>
    public const int MaxParameterLength = 1_000;

    /// <summary>
    /// The longest value of an OpenID Connect protocol parameter (<see cref="ProtocolParameters"/>): an ID token as
    /// <c>id_token_hint</c>, or a whole authorize request as the sign-in page's <c>ReturnUrl</c>, outgrows
    /// <see cref="MaxParameterLength"/>; Kestrel's request line (8 KiB) bounds them anyway.
    /// </summary>
    public const int MaxProtocolParameterLength = 8_192;

    public const string ProblemCode = "invalid_input";

    /// <summary>Why <paramref name="value"/> breaks the text rules (code and Chinese message), or null when it keeps them.</summary>
    public static (string Code, string Message)? CheckText(string value, int maxLength = MaxTextLength)
    {
        if (value.Length > maxLength)
        {
            return ("too_long", $"不能超过{maxLength}个字符");
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x20 ? c is not ('\t' or '\n' or '\r') : c is >= '\u007F' and <= '\u009F')
            {
                return ("control_character", $"含有控制字符（U+{(int)c:X4}）");
            }

            if (c == '\uFFFD' || (char.IsHighSurrogate(c) ? i + 1 == value.Length || !char.IsLowSurrogate(value[++i]) : char.IsLowSurrogate(c)))
            {
                return ("invalid_encoding", "含有无效字符（编码错误，文件或文本应为UTF-8）");
            }
        }

        return null;
    }

    /// <summary>400 invalid_input naming each field.</summary>
    public static ProblemException Invalid(IReadOnlyList<FieldError> errors) =>
        ApiProblems.Invalid(ProblemCode, "输入内容无效", errors).ToException();

    public static ProblemException Invalid(string field, string code, string message) => Invalid([new FieldError(field, code, $"{field}: {message}")]);
}

/// <summary>
/// The dates the platform accepts in any request: from 2000-01-01 (before the programme's records began) to one year
/// after today in China (plans are made at most a year ahead). 0001-01-01 or 9999-12-31 is a client's bug, never a date.
/// </summary>
public sealed class DateWindow(TimeProvider clock)
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    public DateOnly Latest => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime).AddYears(1);

    public bool Contains(DateOnly day) => day >= Earliest && day <= Latest;

    public string Describe() => $"日期应在{Earliest:yyyy-MM-dd}至{Latest:yyyy-MM-dd}之间";

    /// <summary>
    /// A query's month (yyyy-MM) as its first day, from <see cref="Earliest"/> to the year 9000, so that a month's end
    /// (<c>AddMonths(1)</c>) never overflows; false for anything else.
    /// </summary>
    public static bool TryParseMonth(string? month, out DateOnly first) =>
        DateOnly.TryParseExact((month ?? string.Empty) + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out first)
        && first >= Earliest && first.Year <= 9000;
}

/// <summary>A JSON value that breaks <see cref="InputRules"/>; the exception handler answers it as 400 invalid_input.</summary>
public sealed class InputRuleException(string code, string message) : JsonException(message)
{
    public string Code { get; } = code;
}

/// <summary>Strings: the text rules.</summary>
internal sealed class CheckedStringConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string, got {reader.TokenType}.");
        }

        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InputRuleException("invalid_encoding", "含有无效字符（编码错误）");
        }

        return InputRules.CheckText(value) is { } broken ? throw new InputRuleException(broken.Code, broken.Message) : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    // Dictionary keys are text too.
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString()!;
        return InputRules.CheckText(value) is { } broken ? throw new InputRuleException(broken.Code, broken.Message) : value;
    }

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

/// <summary>Numbers: finite only (NaN, ±Infinity and overflowing literals are refused), read from numbers or numeric strings.</summary>
internal sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var ok = reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetDouble(out var number) ? number : double.NaN,
            JsonTokenType.String => double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new JsonException("Expected a number."),
            _ => throw new JsonException($"Expected a number, got {reader.TokenType}."),
        };
        return double.IsFinite(ok) ? ok : throw new InputRuleException("not_finite", "应为有限的数值（不能是 NaN 或无穷大）");
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>Dates (yyyy-MM-dd) inside the <see cref="DateWindow"/>.</summary>
internal sealed class WindowedDateConverter(DateWindow window) : JsonConverter<DateOnly>
{
    public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String
            || !DateOnly.TryParseExact(reader.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw new JsonException("Expected a date as yyyy-MM-dd.");
        }

        return window.Contains(day) ? day : throw new InputRuleException("date_out_of_range", window.Describe());
    }

    public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}

/// <summary>Instants (ISO 8601 with an offset) whose China date is inside the <see cref="DateWindow"/>.</summary>
internal sealed class WindowedInstantConverter(DateWindow window) : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var moment))
        {
            throw new JsonException("Expected an ISO 8601 date and time.");
        }

        // The China date of 9999-12-31T23:59Z is past DateTime's end: compare the UTC date, widened by a day, first.
        var utcDay = DateOnly.FromDateTime(moment.UtcDateTime);
        return utcDay > DateWindow.Earliest.AddDays(-1) && utcDay < window.Latest
               && window.Contains(DateOnly.FromDateTime(moment.UtcDateTime.AddHours(8)))
            ? moment
            : throw new InputRuleException("date_out_of_range", window.Describe());
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

internal static class InputRulesRegistration
{
    /// <summary>
    /// The rules on every JSON body the minimal APIs read, and binding failures thrown (not swallowed into a bare 400) so
    /// that the exception handler can name the field.
    /// </summary>
    public static IServiceCollection AddPlatformInputRules(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DateWindow>();
        services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>().Configure<IServiceProvider>((o, provider) =>
        {
            var window = provider.GetRequiredService<DateWindow>();
            o.SerializerOptions.Converters.Add(new CheckedStringConverter());
            o.SerializerOptions.Converters.Add(new FiniteDoubleConverter());
            o.SerializerOptions.Converters.Add(new WindowedDateConverter(window));
            o.SerializerOptions.Converters.Add(new WindowedInstantConverter(window));
        });
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureAll<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(o => o.AddSchemaTransformer(InputRulesOpenApi.RestoreTypes));
        return services;
    }
}

/// <summary>
/// Marks the endpoints of a sign-in protocol (OpenID Connect's, the sign-in pages): their query values are tokens and
/// URLs that may be up to <see cref="InputRules.MaxProtocolParameterLength"/> long; the other text rules still hold.
/// </summary>
public sealed class ProtocolParameters
{
    public static readonly ProtocolParameters Instance = new();

    private ProtocolParameters()
    {
    }
}

/// <summary>The text rules on query and route values (an import's file name, a prefix...), before any handler runs.</summary>
internal sealed class ParameterTextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var queryLimit = context.GetEndpoint()?.Metadata.GetMetadata<ProtocolParameters>() is null
            ? InputRules.MaxParameterLength
            : InputRules.MaxProtocolParameterLength;
        foreach (var (name, values) in context.Request.Query)
        {
            foreach (var value in values)
            {
                if (value is not null && InputRules.CheckText(value, queryLimit) is { } broken)
                {
                    throw InputRules.Invalid(name, broken.Code, broken.Message);
                }
            }
        }

        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && InputRules.CheckText(text, InputRules.MaxParameterLength) is { } broken)
            {
                throw InputRules.Invalid(name, broken.Code, broken.Message);
            }
        }

        return next(context);
    }
}

/// <summary>
/// The body size limits in effect on every endpoint: Kestrel's (<c>Kestrel:Limits:MaxRequestBodySize</c>, 4 MiB for JSON)
/// or, for a CSV import (an endpoint that accepts text/csv), <c>Imports:MaxRequestBodySize</c> (100 MiB by default). A
/// declared Content-Length above the limit is refused at once with 413 payload_too_large, whether or not the endpoint
/// reads a body; a chunked body is cut off by Kestrel at the same limit while it is read (413 too).
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public const long DefaultImportLimit = 100L * 1024 * 1024;

    private readonly long importLimit = configuration.GetValue("Imports:MaxRequestBodySize", DefaultImportLimit);

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }
            && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is { } accepts
            && accepts.ContentTypes.Any(t => t.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase)))
        {
            feature.MaxRequestBodySize = importLimit;
        }

        if (feature?.MaxRequestBodySize is { } limit && context.Request.ContentLength > limit)
        {
            throw ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "请求内容过大",
                $"The body has {context.Request.ContentLength} bytes; this endpoint takes at most {limit}.").ToException();
        }

        return next(context);
    }
}

/// <summary>
/// The OpenAPI documents keep describing strings, numbers and dates as such: the schema generator knows nothing of a
/// custom converter's contract and would publish the input rules' types as "any" ({}), so this puts the type and format
/// the built-in converters have back. A list's or a map's element of such a type is lost altogether, not described as
/// "any": System.Text.Json's schema exporter drops an <c>items</c> (<c>additionalProperties</c>) that accepts anything,
/// so no transformer ever sees it (an <c>IReadOnlyList&lt;DateOnly&gt;</c> was published as an array without items);
/// the list's own schema gets its element's back here.
/// </summary>
internal static class InputRulesOpenApi
{
    public static Task RestoreTypes(Microsoft.OpenApi.OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (info.ElementType is { } element && Describe(element) is { } elementSchema)
        {
            if (info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable && schema.Items is null)
            {
                schema.Items = elementSchema;
            }
            else if (info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary && schema.AdditionalProperties is null)
            {
                schema.AdditionalProperties = elementSchema;
            }
        }

        var type = info.Type;
        var underlying = Nullable.GetUnderlyingType(type);
        if (Map(underlying ?? type) is { } known && schema.Type is null)
        {
            var nullable = underlying is not null || context.JsonPropertyInfo is { IsGetNullable: true } or { IsSetNullable: true };
            schema.Type = nullable ? known.Kind | Microsoft.OpenApi.JsonSchemaType.Null : known.Kind;
            schema.Format ??= known.Format;
        }

        return Task.CompletedTask;
    }

    /// <summary>The type and format of a value the input rules' converters read and write (and the built-in ones would describe).</summary>
    private static (Microsoft.OpenApi.JsonSchemaType Kind, string? Format)? Map(Type type) => type switch
    {
        _ when type == typeof(string) => (Microsoft.OpenApi.JsonSchemaType.String, null),
        _ when type == typeof(double) => (Microsoft.OpenApi.JsonSchemaType.Number, "double"),
        _ when type == typeof(DateOnly) => (Microsoft.OpenApi.JsonSchemaType.String, "date"),
        _ when type == typeof(DateTimeOffset) => (Microsoft.OpenApi.JsonSchemaType.String, "date-time"),
        _ => null,
    };

    /// <summary>The schema of a list's or map's element of such a type (null as well when it is a nullable value type).</summary>
    private static Microsoft.OpenApi.OpenApiSchema? Describe(Type element)
    {
        var underlying = Nullable.GetUnderlyingType(element);
        return Map(underlying ?? element) is { } known
            ? new Microsoft.OpenApi.OpenApiSchema { Type = underlying is null ? known.Kind : known.Kind | Microsoft.OpenApi.JsonSchemaType.Null, Format = known.Format }
            : null;
    }
}
