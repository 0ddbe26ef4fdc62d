using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// Per operation: its <c>operationId</c> from the handler (<see cref="OperationIds"/>), no security requirement when it
/// is anonymous (the document requires the bearer token of every other one), and the problem responses every operation
/// of the platform can give by the shared rules (<see cref="ContractDocument.Problems"/>), next to those its handler
/// declares with their codes (<see cref="ProblemResponsesAttribute"/>).
/// </summary>
internal static class ContractOperations
{
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        operation.OperationId ??= OperationIds.FromHandler(metadata.OfType<MethodInfo>().LastOrDefault());
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (anonymous)
        {
            operation.Security = []; // explicitly none; the document's requirement covers every other operation
        }

        operation.Responses ??= [];
        var responses = operation.Responses;
        void Add(string status)
        {
            if (!responses.ContainsKey(status))
            {
                responses[status] = new OpenApiResponseReference(ContractDocument.ProblemResponse(status), context.Document);
            }
        }

        if (description.ParameterDescriptions.Count > 0)
        {
            Add("400");
        }

        if (!anonymous)
        {
            Add("401");
            Add("403");
        }

        if (description.RelativePath?.Contains('{', StringComparison.Ordinal) == true)
        {
            Add("404");
        }

        // The body size limit stands in front of every handler: a request of a method with a body may be too large,
        // even to an operation that reads none.
        if (operation.RequestBody is not null || description.HttpMethod is not ("GET" or "HEAD"))
        {
            Add("413");
        }

        Add("503");

        // What the handler declares it answers beyond the shared rules: the status with this operation's codes.
        foreach (var declared in metadata.OfType<ProblemResponsesAttribute>().GroupBy(a => a.Status.ToString(CultureInfo.InvariantCulture)))
        {
            var status = declared.Key;
            var codes = declared.SelectMany(a => a.Codes).Distinct().ToList();
            var meaning = ContractDocument.Problems.GetValueOrDefault(status) ?? ContractDocument.OtherProblems[status];
            responses[status] = ContractDocument.ProblemResponse(status,
                $"{meaning}\n\n本操作的代码 / this operation's codes: {string.Join(", ", codes.Select(c => $"`{c}`"))}", codes, context.Document);
        }

        return Task.CompletedTask;
    }
}
