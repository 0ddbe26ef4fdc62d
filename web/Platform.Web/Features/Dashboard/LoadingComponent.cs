using Microsoft.AspNetCore.Components;
using Platform.Web.Gateway;

namespace Platform.Web.Features.Dashboard;

/// <summary>
/// A page or card that loads from the gateway on its own once it is interactive: its failure shows in its place
/// (<see cref="Problem"/> through ProblemAlert, or <see cref="Unavailable"/>) and never takes the page or the circuit down,
/// and a slow service leaves the rest of the page usable.
/// </summary>
public abstract class LoadingComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource stopping = new();

    [Inject] protected GatewayApi Api { get; set; } = null!;

    [Inject] private ILogger<LoadingComponent> Logger { get; set; } = null!;

    protected bool Loading { get; private set; } = true;

    protected GatewayProblem? Problem { get; set; }

    /// <summary>The service did not answer at all (not a problem document): a Chinese sentence to show.</summary>
    protected string? Unavailable { get; private set; }

    protected CancellationToken Stopping => stopping.Token;

    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    // Loading after the first interactive render, not in OnInitializedAsync: prerendering would wait for every service
    // before the page shows anything.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await ReloadAsync();
        }
    }

    protected async Task ReloadAsync()
    {
        Loading = true;
        Problem = null;
        Unavailable = null;
        StateHasChanged();
        await RunAsync(LoadAsync);
        Loading = false;
        StateHasChanged();
    }

    /// <summary>Runs an action against the gateway; its problem is kept in <see cref="Problem"/> for the page to show. True when it succeeded.</summary>
    protected async Task<bool> RunAsync(Func<CancellationToken, Task> action)
    {
        var problem = await TryAsync(action);
        Problem ??= problem;
        return problem is null && Unavailable is null;
    }

    /// <summary>Runs an action against the gateway and gives back the problem it answered (null when it succeeded), for a form to show beside itself.</summary>
    protected async Task<GatewayProblem?> TryAsync(Func<CancellationToken, Task> action)
    {
        try
        {
            await action(stopping.Token);
        }
        catch (GatewayProblem problem)
        {
            return problem;
        }
        // Any other failure (a service down, an answer that does not parse) stays in this component: an exception left to
        // Blazor would end the whole circuit.
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            Logger.LogWarning(ex, "{Component} could not reach the gateway", GetType().Name);
            Unavailable = "服务暂时无法访问，请稍后刷新重试";
        }

        return null;
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
