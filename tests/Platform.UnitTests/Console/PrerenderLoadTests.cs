extern alias console;

using System.Net;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using console::Platform.Web.Components.Shared;
using console::Platform.Web.Extensions;
using console::Platform.Web.Gateway;
using Platform.ApiClients.Dispatch.Models;

namespace Platform.UnitTests.Console;

/// <summary>
/// A card that opts in loads while its page is rendered on the server, within the console's budget: what arrived is in
/// the HTML and marked for the circuit; what did not arrive, or failed, spins and loads again once interactive.
/// </summary>
public sealed class PrerenderLoadTests
{
    [Fact]
    public void The_budget_is_300_ms_unless_set_and_stays_between_0_and_5_seconds()
    {
        Options().PrerenderBudget.ShouldBe(TimeSpan.FromMilliseconds(300));
        Options("00:00:01.500").PrerenderBudget.ShouldBe(TimeSpan.FromMilliseconds(1500));
        Options("00:00:00").PrerenderBudget.ShouldBe(TimeSpan.Zero);
        Should.Throw<OptionsValidationException>(() => Options("00:00:06")).Message.ShouldContain("PrerenderBudget");
        Should.Throw<OptionsValidationException>(() => Options("-00:00:01")).Message.ShouldContain("PrerenderBudget");
    }

    [Theory]
    // Prerendering: an opted-in card loads now, unless the budget is zero; any other waits for its circuit.
    [InlineData(true, false, true, 300, false, LoadStart.WhilePrerendering)]
    [InlineData(true, false, true, 0, false, LoadStart.OnceInteractive)]
    [InlineData(true, false, false, 300, false, LoadStart.OnceInteractive)]
    // Interactive: restored only when opted in and the prerender's load finished; otherwise it loads as before.
    [InlineData(true, true, true, 300, true, LoadStart.Restored)]
    [InlineData(true, true, true, 300, false, LoadStart.OnceInteractive)]
    [InlineData(true, true, false, 300, true, LoadStart.OnceInteractive)]
    // Nothing to load, whatever else.
    [InlineData(false, false, true, 300, false, LoadStart.Nothing)]
    [InlineData(false, true, true, 300, true, LoadStart.Nothing)]
    public void When_a_component_loads(bool loads, bool interactive, bool optedIn, int budgetMs, bool restored, LoadStart expected) =>
        LoadStarts.Decide(loads, interactive, optedIn, TimeSpan.FromMilliseconds(budgetMs), restored).ShouldBe(expected);

    [Fact]
    public async Task What_arrives_within_the_budget_is_in_the_server_rendered_html_and_marked_loaded()
    {
        var calls = 0;
        await using var page = await RenderAsync<PrerenderedProbe>(TimeSpan.FromSeconds(5), _ =>
        {
            calls++;
            return Task.FromResult(Answer(HttpStatusCode.OK, """{"code":"511702","name":"通川区"}"""));
        });

        page.Html.ShouldContain("<p>通川区</p>");
        page.Html.ShouldNotContain("spinning");
        page.Component.Start.ShouldBe(LoadStart.WhilePrerendering);
        page.Component.LoadedWhilePrerendering.ShouldBe(true);
        calls.ShouldBe(1);
    }

    [Fact]
    public async Task A_call_still_running_when_the_budget_ends_goes_on_and_the_circuit_takes_its_answer_instead_of_asking_again()
    {
        var handoff = new PrerenderHandoff(new MemoryCache(new MemoryCacheOptions()));
        var gatewayAnswers = new TaskCompletionSource();
        var calls = 0;
        await using var page = await RenderAsync<PrerenderedProbe>(TimeSpan.FromMilliseconds(50), async ct =>
        {
            Interlocked.Increment(ref calls);
            await gatewayAnswers.Task.WaitAsync(ct);
            return Answer(HttpStatusCode.OK, """{"code":"511702","name":"通川区"}""");
        }, handoff);

        // The server's HTML did not wait: the card spins, without an error.
        page.Html.ShouldContain("spinning");
        page.Html.ShouldNotContain("<p>");
        page.Component.LoadedWhilePrerendering.ShouldBeNull();
        page.Component.Unavailable.ShouldBeNull();
        page.Component.Problem.ShouldBeNull();

        // The circuit of the same session asks for the same path: it waits for the read under way, not for a new one.
        var options = Microsoft.Extensions.Options.Options.Create(new ConsoleOptions());
        var (circuit, circuitHttp) = await TestGateway.CreateAsync(options, _ =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(Answer(HttpStatusCode.OK, """{"code":"511702","name":"新读"}"""));
        }, handoff);
        using (circuitHttp)
        {
            var pending = ProbeCard.ReadAsync(circuit);
            await Task.Delay(50);
            pending.IsCompleted.ShouldBeFalse();
            gatewayAnswers.SetResult();
            (await pending).ShouldBe("通川区");
            calls.ShouldBe(1);

            // Taken once: the next read asks the gateway.
            (await ProbeCard.ReadAsync(circuit)).ShouldBe("新读");
            calls.ShouldBe(2);
        }
    }

    [Fact]
    public async Task A_read_left_by_the_prerender_is_only_for_its_own_session_and_a_failed_one_is_asked_again()
    {
        var handoff = new PrerenderHandoff(new MemoryCache(new MemoryCacheOptions()));
        await using var page = await RenderAsync<PrerenderedProbe>(TimeSpan.FromMilliseconds(50), async ct =>
        {
            await Task.Delay(200, ct);
            throw new HttpRequestException("Connection refused");
        }, handoff);
        page.Html.ShouldContain("spinning");

        var options = Microsoft.Extensions.Options.Options.Create(new ConsoleOptions());
        var asked = new List<string>();
        async Task<string> ReadAs(string session)
        {
            var (api, http) = await TestGateway.CreateAsync(options, _ =>
            {
                asked.Add(session);
                return Task.FromResult(Answer(HttpStatusCode.OK, """{"code":"511702","name":"通川区"}"""));
            }, handoff, session);
            using (http)
            {
                return await ProbeCard.ReadAsync(api) ?? "";
            }
        }

        // Another person's circuit never sees it; the owner's, finding it failed, asks the gateway itself.
        (await ReadAs("session-2")).ShouldBe("通川区");
        (await ReadAs(TestGateway.Session)).ShouldBe("通川区");
        asked.ShouldBe(["session-2", TestGateway.Session]);
    }

    [Fact]
    public async Task A_failed_load_spins_in_the_html_and_is_left_to_the_circuit()
    {
        await using var page = await RenderAsync<PrerenderedProbe>(TimeSpan.FromSeconds(5), _ => throw new HttpRequestException("Connection refused"));

        page.Html.ShouldContain("spinning");
        page.Html.ShouldNotContain("failed");
        page.Component.LoadedWhilePrerendering.ShouldBeNull();
        page.Component.Problem.ShouldBeNull();
        page.Component.Unavailable.ShouldBeNull();
    }

    [Fact]
    public async Task A_component_that_did_not_opt_in_calls_nothing_while_prerendering()
    {
        var calls = 0;
        await using var page = await RenderAsync<InteractiveOnlyProbe>(TimeSpan.FromSeconds(5), _ =>
        {
            calls++;
            return Task.FromResult(Answer(HttpStatusCode.OK, """{"code":"511702","name":"通川区"}"""));
        });

        calls.ShouldBe(0);
        page.Html.ShouldContain("spinning");
        page.Component.Start.ShouldBe(LoadStart.OnceInteractive);
        page.Component.LoadedWhilePrerendering.ShouldBeNull();
    }

    private static ConsoleOptions Options(string? budget = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Console:PublicOrigin"] = "http://127.0.0.1:5000",
            ["Console:GatewayAddress"] = "http://127.0.0.1:5000",
        };
        if (budget is not null)
        {
            settings["Console:PrerenderBudget"] = budget;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var provider = new ServiceCollection().AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.Section)).ValidateDataAnnotations()
            .Services.BuildServiceProvider();
        using (provider)
        {
            return provider.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        }
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>
    /// Renders <typeparamref name="TProbe"/> as the server does before a circuit exists (the HTML renderer is not
    /// interactive), with the console's budget <paramref name="budget"/>, over a gateway answered by <paramref name="answer"/>.
    /// </summary>
    private static async Task<RenderedProbe<TProbe>> RenderAsync<TProbe>(TimeSpan budget, Func<CancellationToken, Task<HttpResponseMessage>> answer,
        PrerenderHandoff? handoff = null)
        where TProbe : ProbeCard
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ConsoleOptions { PrerenderBudget = budget });
        var (gateway, http) = await TestGateway.CreateAsync(options, answer, handoff);

        var services = new ServiceCollection().AddLogging().AddSingleton(options).AddSingleton(gateway).BuildServiceProvider();
        var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        TProbe? component = null;
        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TProbe>(ParameterView.FromDictionary(
            new Dictionary<string, object?> { [nameof(ProbeCard.Created)] = (Action<ProbeCard>)(p => component = (TProbe)p) }))).ToHtmlString());
        return new RenderedProbe<TProbe>(renderer, services, http, component.ShouldNotBeNull(), html);
    }

    private sealed class RenderedProbe<TProbe>(HtmlRenderer renderer, ServiceProvider services, HttpClient http, TProbe component, string html) : IAsyncDisposable
    {
        public TProbe Component => component;

        public string Html => html;

        public async ValueTask DisposeAsync()
        {
            await renderer.DisposeAsync();
            await services.DisposeAsync();
            http.Dispose();
        }
    }
}

/// <summary>A card that loads a region's name and shows it, a spinner marked <c>spinning</c> while it loads.</summary>
public abstract class ProbeCard : GatewayComponent
{
    [Parameter] public Action<ProbeCard>? Created { get; set; }

    [PersistentState]
    public string? Name { get; set; }

    public new GatewayProblem? Problem => base.Problem;

    public new string? Unavailable => base.Unavailable;

    protected override void OnInitialized() => Created?.Invoke(this);

    /// <summary>The read, built from dispatch's generated client as the pages build theirs.</summary>
    public static async Task<string?> ReadAsync(GatewayApi api, CancellationToken cancellationToken = default) =>
        (await api.GetAsync(api.Dispatch.Regions["511702000000"].ToGetRequestInformation(), RegionDto.CreateFromDiscriminatorValue, cancellationToken)).Name;

    protected override async Task LoadAsync(CancellationToken cancellationToken) => Name = await ReadAsync(Api, cancellationToken);

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (Loading)
        {
            builder.AddMarkupContent(0, "<div class=\"spinning\"></div>");
        }
        else if (Problem is not null || Unavailable is not null)
        {
            builder.AddMarkupContent(1, $"<div>failed: {Problem?.Title}{Unavailable}</div>");
        }

        if (Name is not null)
        {
            builder.AddMarkupContent(2, $"<p>{Name}</p>");
        }
    }
}

[LoadWhilePrerendering]
public sealed class PrerenderedProbe : ProbeCard;

public sealed class InteractiveOnlyProbe : ProbeCard;
