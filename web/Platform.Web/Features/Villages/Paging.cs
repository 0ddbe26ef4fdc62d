using Platform.Web.Gateway;

namespace Platform.Web.Features.Villages;

/// <summary>Reads a keyset-paged dispatch list page after page (1000 a request) up to a limit the browser can hold.</summary>
public static class Paging
{
    public const int MaxRows = 5000;

    /// <summary>The items, and whether more were left unread.</summary>
    public static async Task<(List<T> Items, bool More)> ReadAsync<T>(GatewayApi api, string path, CancellationToken cancellationToken, int max = MaxRows)
    {
        var items = new List<T>();
        string? after = null;
        var separator = path.Contains('?') ? '&' : '?';
        do
        {
            var cursor = after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after);
            var page = await api.GetAsync<Page<T>>($"{path}{separator}limit=1000{cursor}", cancellationToken);
            items.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null && items.Count < max);

        return (items, after is not null);
    }
}
