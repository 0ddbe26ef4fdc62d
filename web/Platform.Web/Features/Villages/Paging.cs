using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Platform.ApiClients.Dispatch.Models;
using Platform.Web.Gateway;

namespace Platform.Web.Features.Villages;

/// <summary>Reads a keyset-paged dispatch list page after page (1000 a request) up to a limit the browser can hold.</summary>
public static class Paging
{
    public const int MaxRows = 5000;

    private const int PageSize = 1000;

    /// <summary>The villages of the user's scope.</summary>
    public static Task<(List<VillageDto> Items, bool More)> VillagesAsync(GatewayApi api, CancellationToken cancellationToken) =>
        ReadAsync(api, (limit, after) => api.Dispatch.Villages.ToGetRequestInformation(q => (q.QueryParameters.Limit, q.QueryParameters.After) = (limit, after)),
            PageOfVillageDto.CreateFromDiscriminatorValue, p => (p.Items, p.Next), cancellationToken);

    /// <summary>The cadres of the user's scope.</summary>
    public static Task<(List<CadreDto> Items, bool More)> CadresAsync(GatewayApi api, CancellationToken cancellationToken) =>
        ReadAsync(api, (limit, after) => api.Dispatch.Cadres.ToGetRequestInformation(q => (q.QueryParameters.Limit, q.QueryParameters.After) = (limit, after)),
            CadrePage.CreateFromDiscriminatorValue, p => (p.Items, p.Next), cancellationToken);

    /// <summary>The assisting units of the user's scope.</summary>
    public static Task<(List<UnitDto> Items, bool More)> UnitsAsync(GatewayApi api, CancellationToken cancellationToken) =>
        ReadAsync(api, (limit, after) => api.Dispatch.Units.ToGetRequestInformation(q => (q.QueryParameters.Limit, q.QueryParameters.After) = (limit, after)),
            PageOfUnitDto.CreateFromDiscriminatorValue, p => (p.Items, p.Next), cancellationToken);

    /// <summary>
    /// The items, and whether more were left unread. <paramref name="request"/> builds the request for a page size and the
    /// cursor of the page before (null for the first); <paramref name="read"/> takes a page's items and next cursor (the
    /// contract's pages are one generated class per item type; a cursor is typed as the list's <c>after</c> takes it, a
    /// code as a string, an id as a Guid).
    /// </summary>
    private static async Task<(List<T> Items, bool More)> ReadAsync<TPage, T, TCursor>(GatewayApi api, Func<int, TCursor?, RequestInformation> request,
        ParsableFactory<TPage> page, Func<TPage, (List<T>? Items, TCursor? Next)> read, CancellationToken cancellationToken)
        where TPage : IParsable
    {
        var items = new List<T>();
        TCursor? after = default;
        do
        {
            var (pageItems, next) = read(await api.GetAsync(request(PageSize, after), page, cancellationToken));
            items.AddRange(pageItems ?? []);
            after = next;
        }
        while (after is not null && items.Count < MaxRows);

        return (items, after is not null);
    }
}
