using System.Reflection;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// An operation's <c>operationId</c>, which generated clients name their methods after: the endpoint's name when it has
/// one, else its handler's class and method (<c>GetVillage.HandleAsync</c> → <c>GetVillage</c>,
/// <c>RectificationLedger.ListAsync</c> → <c>RectificationLedgerList</c>). Stable while the handler keeps its name.
/// </summary>
public static class OperationIds
{
    public static string? FromHandler(MethodInfo? handler)
    {
        if (handler?.DeclaringType is not { } type || handler.Name.Contains('<', StringComparison.Ordinal) || type.Name.Contains('<', StringComparison.Ordinal))
        {
            return null; // a lambda: the document transformer falls back on the method and path
        }

        var method = handler.Name.EndsWith("Async", StringComparison.Ordinal) ? handler.Name[..^"Async".Length] : handler.Name;
        return method == "Handle" ? type.Name : type.Name + method;
    }

    /// <summary>The fallback for a handler without a usable name: <c>GET /api/dispatch/villages/{code}</c> → <c>getApiDispatchVillagesCode</c>.</summary>
    public static string FromRoute(string method, string path)
    {
        var words = path.Split(['/', '{', '}', '-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        return method.ToLowerInvariant() + string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }

    /// <summary>Makes ids unique within a document, in path order: a second use of an id gets the HTTP method, then a number.</summary>
    public static string Unique(string id, string method, ISet<string> taken)
    {
        if (taken.Add(id))
        {
            return id;
        }

        var withMethod = id + char.ToUpperInvariant(method[0]) + method[1..].ToLowerInvariant();
        if (taken.Add(withMethod))
        {
            return withMethod;
        }

        for (var n = 2; ; n++)
        {
            if (taken.Add(withMethod + n))
            {
                return withMethod + n;
            }
        }
    }
}
