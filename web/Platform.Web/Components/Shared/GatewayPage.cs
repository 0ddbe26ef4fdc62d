using Microsoft.AspNetCore.Components;
using Platform.Web.Gateway;

namespace Platform.Web.Components.Shared;

/// <summary>
/// A page that calls the gateway: <see cref="RunAsync"/> runs a call and keeps its failure in <see cref="Problem"/>
/// (shown by <c>&lt;ProblemAlert Problem="Problem" /&gt;</c>), so one failed call shows a Chinese message instead of
/// breaking the page. Pages use it with <c>@inherits GatewayPage</c>.
/// </summary>
public abstract class GatewayPage : ComponentBase
{
    [Inject]
    protected GatewayApi Gateway { get; set; } = null!;

    protected GatewayProblem? Problem { get; set; }

    /// <summary>Runs <paramref name="call"/>; true when it succeeded, false when its problem is now shown.</summary>
    protected async Task<bool> RunAsync(Func<Task> call)
    {
        try
        {
            Problem = null;
            await call();
            return true;
        }
        catch (GatewayProblem failed)
        {
            Problem = failed;
            return false;
        }
    }
}
