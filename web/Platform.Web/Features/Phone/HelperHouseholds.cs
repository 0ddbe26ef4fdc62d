using Platform.ApiClients.Pairing.Models;
using Platform.Web.Components.Shared;
using Platform.Web.Gateway;

namespace Platform.Web.Features.Phone;

/// <summary>The households a helper helps today, as the phone pages offer them to choose from.</summary>
internal static class HelperHouseholds
{
    public static async Task<List<HouseholdDto>> ReadAsync(GatewayApi api, ConsoleUser? user, CancellationToken cancellationToken) =>
        (await api.GetAsync(api.Pairing.Households.ToGetRequestInformation(q => (q.QueryParameters.Helper, q.QueryParameters.Limit) = (user?.SubjectId, 1000)),
            HouseholdPage.CreateFromDiscriminatorValue, cancellationToken)).Items ?? [];
}
