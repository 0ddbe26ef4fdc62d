using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Platform.Web.Extensions;
using Platform.Web.Gateway;

namespace Platform.Web.Components.Shared;

/// <summary>
/// A page or card that calls the gateway. Every call goes through <see cref="RunAsync"/> or <see cref="TryAsync"/>, so
/// a failure shows in its place (<see cref="Problem"/>, or <see cref="Unavailable"/> through <c>&lt;LoadFailure&gt;</c>)
/// and never reaches Blazor: an exception left to Blazor ends the person's whole circuit and loses what they typed.
/// A component that overrides <see cref="LoadAsync"/> loads once it is interactive, or, with
/// <see cref="LoadWhilePrerenderingAttribute"/>, already while its page is rendered on the server (the rule is
/// <see cref="LoadStarts.Decide"/>); leaving it cancels its calls.
/// </summary>
public abstract class GatewayComponent : ComponentBase, IAsyncDisposable
{
    private const string UnavailableText = "服务暂时无法访问，请稍后刷新重试";

    private readonly CancellationTokenSource stopping = new();

    // How many calls are under way: a call inside another (a load's several reads) must not clear what the first found.
    private int running;

    // What the calls are cancelled by: leaving the page, and while prerendering also the end of the budget.
    private CancellationToken calls;

    private LoadStart? start;

    // The load under way by ReloadAsync, which a newer one cancels.
    private CancellationTokenSource? load;

    protected GatewayComponent()
    {
        // Taken once: a disposed source's Token throws, and a page's late continuation may still ask for it.
        Stopping = stopping.Token;
        calls = Stopping;
        Loading = OverridesLoad(GetType());
    }

    [Inject] protected GatewayApi Api { get; set; } = null!;

    [Inject] private ILogger<GatewayComponent> Logger { get; set; } = null!;

    [Inject] private IOptions<ConsoleOptions> ConsoleOptions { get; set; } = null!;

    /// <summary>
    /// Set by the prerendered page when its load finished within the budget, and carried to the circuit with the
    /// component's other <c>[PersistentState]</c> properties: the circuit then does not load again. Null otherwise (a
    /// null is not persisted, so components that do not opt in add nothing to the page).
    /// </summary>
    [PersistentState]
    public bool? LoadedWhilePrerendering { get; set; }

    /// <summary>How this component loads, decided when its parameters were first set (for the tests).</summary>
    internal LoadStart? Start => start;

    /// <summary>True while the component loads (from the first render until <see cref="LoadAsync"/> finished; a page may set it while it loads more).</summary>
    protected bool Loading { get; set; }

    /// <summary>The problem the service answered to the page's last load or action.</summary>
    protected GatewayProblem? Problem { get; set; }

    /// <summary>The service did not answer at all (not a problem document): a Chinese sentence to show.</summary>
    protected string? Unavailable { get; private set; }

    /// <summary>Fires when the person leaves the page.</summary>
    protected CancellationToken Stopping { get; }

    /// <summary>
    /// What the component loads once it is interactive, or while prerendering when it opted in
    /// (<see cref="LoadWhilePrerenderingAttribute"/>); a component that loads nothing does not override it.
    /// </summary>
    protected virtual Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The decision is taken here, the first time: the restored [PersistentState] values are set by then, and no page
    // overrides this (pages override OnInitializedAsync, not always calling the base). The prerender's load runs after the
    // page's own initialisation (what LoadAsync reads, such as a region prefix, is set by then), and the server's render
    // waits for this task, so what it loaded is in the HTML.
    public override async Task SetParametersAsync(ParameterView parameters)
    {
        if (start is not null)
        {
            await base.SetParametersAsync(parameters);
            return;
        }

        parameters.SetParameterProperties(this);
        start = LoadStarts.Decide(OverridesLoad(GetType()), RendererInfo.IsInteractive, GetType().IsDefined(typeof(LoadWhilePrerenderingAttribute), true),
            ConsoleOptions.Value.PrerenderBudget, LoadedWhilePrerendering == true);
        if (start == LoadStart.Restored)
        {
            // The first interactive render shows the restored data, no spinner.
            Loading = false;
        }

        await base.SetParametersAsync(ParameterView.Empty);
        if (start == LoadStart.WhilePrerendering)
        {
            // A read the budget cuts off goes on for the circuit instead of being asked for again once it is up.
            Api.Prerendering = true;
            await LoadWhilePrerenderingAsync();
        }
    }

    private async Task LoadWhilePrerenderingAsync()
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        budget.CancelAfter(ConsoleOptions.Value.PrerenderBudget);
        calls = budget.Token;
        try
        {
            if (await RunAsync(LoadAsync) && Unavailable is null)
            {
                LoadedWhilePrerendering = true;
                Loading = false;
            }
            else
            {
                // It loads again once interactive, and shows its failure then if it still fails: the first HTML spins.
                Problem = null;
                Unavailable = null;
            }
        }
        // Whatever a call cut off by the budget ends with (a cancellation, or the error of an aborted read).
        catch (Exception) when (budget.IsCancellationRequested && !Stopping.IsCancellationRequested)
        {
            Logger.LogDebug("{Component} did not load within the prerender budget; it loads once interactive", GetType().Name);
        }
        finally
        {
            calls = Stopping;
        }

        StateHasChanged();
    }

    // Loading after the first interactive render, not in OnInitializedAsync, unless the component opted in to loading
    // within the prerender budget: prerendering would otherwise wait for every service before the page shows anything.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Loading)
        {
            await ReloadAsync();
        }
    }

    /// <summary>
    /// Loads again (<see cref="LoadAsync"/>), the earlier failure cleared. A load still under way (the first one, say,
    /// when the person changes the month and asks again before it answered) is cancelled first: its answer, arriving
    /// later, would otherwise overwrite the newer one's. So a query button bound to this takes no <c>Loading</c>: an
    /// AntDesign button ignores clicks while it shows loading, and the person's new question would be lost.
    /// </summary>
    protected async Task ReloadAsync()
    {
        if (load is not null)
        {
            await load.CancelAsync();
        }

        using var current = CancellationTokenSource.CreateLinkedTokenSource(calls);
        load = current;
        Loading = true;
        Problem = null;
        Unavailable = null;
        StateHasChanged();
        await RunAsync(async ct =>
        {
            try
            {
                await LoadAsync(current.Token);
            }
            // Whatever the replaced load ends with (a cancellation, or the error of an aborted read): the newer one answers.
            catch (Exception) when (current.IsCancellationRequested && !ct.IsCancellationRequested)
            {
            }
        });
        if (load == current)
        {
            load = null;
            Loading = false;
            StateHasChanged();
        }
    }

    /// <summary>
    /// Runs an action against the gateway; its problem is kept in <see cref="Problem"/> for the page to show (the last
    /// action's problem is cleared first). True when it succeeded.
    /// </summary>
    protected async Task<bool> RunAsync(Func<CancellationToken, Task> action)
    {
        if (running == 0)
        {
            Problem = null;
        }

        var (problem, reached) = await CallAsync(action);
        Problem ??= problem;
        return reached && problem is null;
    }

    /// <summary>
    /// Runs an action against the gateway and gives back the problem it answered (null when it succeeded or the service
    /// did not answer, which shows in <see cref="Unavailable"/>), for a form to show beside itself.
    /// </summary>
    protected async Task<GatewayProblem?> TryAsync(Func<CancellationToken, Task> action) => (await CallAsync(action)).Problem;

    private async Task<(GatewayProblem? Problem, bool Reached)> CallAsync(Func<CancellationToken, Task> action)
    {
        // A call the person started clears the last failure; calls inside it (a load's several reads) keep the first.
        if (running++ == 0)
        {
            Unavailable = null;
        }

        try
        {
            await action(calls);
            return (null, true);
        }
        catch (GatewayProblem problem)
        {
            return (problem, true);
        }
        // Any other failure (a service down, a timeout, an answer that does not parse) stays in this component. Only the
        // cancellation of leaving the page (or of the prerender's budget) goes on: Blazor ignores a cancelled task, the
        // page is gone, and a load cut off by the budget starts again once interactive.
        catch (Exception ex) when (!calls.IsCancellationRequested)
        {
            Logger.LogWarning(ex, "{Component} could not reach the gateway", GetType().Name);
            Unavailable ??= UnavailableText;
            return (null, false);
        }
        finally
        {
            running--;
        }
    }

    // IAsyncDisposable rather than IDisposable: Blazor calls only DisposeAsync on a component that has both, and pages
    // that hold JavaScript objects dispose them asynchronously (DisposeAsyncCore).
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await DisposeAsyncCore();
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a page releases when the person leaves it, after its calls were cancelled.</summary>
    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;

    private static bool OverridesLoad(Type type) =>
        type.GetMethod(nameof(LoadAsync), BindingFlags.Instance | BindingFlags.NonPublic, [typeof(CancellationToken)])?.DeclaringType
            != typeof(GatewayComponent);
}
