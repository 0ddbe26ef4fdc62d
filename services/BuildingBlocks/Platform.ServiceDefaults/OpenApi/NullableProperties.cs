using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// A property that may be null is not required: ASP.NET Core marks every constructor parameter of a record required,
/// though System.Text.Json (as the services use it) gives an absent one its default, and the handlers treat null as
/// "not given" (a password reset without a password makes one; a scoring run without a reason has none). Without this,
/// a generated client insists on fields the service does not need.
/// </summary>
internal static class NullableProperties
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
        {
            foreach (var name in required.Where(name => properties.TryGetValue(name, out var property) && property.Type is { } type && type.HasFlag(JsonSchemaType.Null)).ToList())
            {
                required.Remove(name);
            }
        }

        return Task.CompletedTask;
    }
}
