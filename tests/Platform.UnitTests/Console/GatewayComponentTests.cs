extern alias console;

using System.Net;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using console::Platform.Web.Components.Shared;
using console::Platform.Web.Extensions;
using console::Platform.Web.Gateway;
using Platform.ApiClients.Dispatch.Models;

namespace Platform.UnitTests.Console;

/// <summary>
/// A page's call to the gateway never ends the person's circuit: a problem the service answered is the page's to show,
/// any other failure shows as unavailable, and only leaving the page cancels a call (without an error).
/// </summary>
public sealed class GatewayComponentTests
{
    [Fact]
    public async Task An_answer_cut_off_by_the_network_shows_unavailable_and_does_not_throw()
    {
        // The headers came, then the connection dropped: HttpClient throws HttpRequestException while the body is read.
        await using var page = await PageAsync(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new DroppedContent() }));

        var succeeded = await page.RunAsync(ct => ReadVillageAsync(page.Gateway, ct));

        succeeded.ShouldBeFalse();
        page.Component.Unavailable.ShouldBe("服务暂时无法访问，请稍后刷新重试");
        page.Component.Problem.ShouldBeNull();
    }

    [Fact]
    public async Task A_call_that_throws_HttpRequestException_shows_unavailable_and_does_not_throw()
    {
        await using var page = await PageAsync(_ => throw new InvalidOperationException("the gateway is not called"));

        var succeeded = await page.RunAsync(_ => throw new HttpRequestException("Connection refused (127.0.0.1:8000)"));

        succeeded.ShouldBeFalse();
        page.Component.Unavailable.ShouldBe("服务暂时无法访问，请稍后刷新重试");
        page.Component.Problem.ShouldBeNull();
    }

    [Fact]
    public async Task An_answer_that_does_not_parse_shows_unavailable()
    {
        await using var page = await PageAsync(_ => Task.FromResult(Answer(HttpStatusCode.OK, "application/json", "{\"code\":")));

        (await page.RunAsync(ct => ReadVillageAsync(page.Gateway, ct))).ShouldBeFalse();

        page.Component.Unavailable.ShouldNotBeNull();
        page.Component.Problem.ShouldBeNull();
    }

    [Fact]
    public async Task A_problem_the_service_answered_lands_in_Problem_and_a_later_success_clears_it()
    {
        var answers = new Queue<HttpResponseMessage>([
            Answer(HttpStatusCode.Conflict, "application/problem+json", """{"title":"该村已有第一书记","status":409,"code":"first_secretary_taken"}"""),
            Answer(HttpStatusCode.OK, "application/json", """{"code":"511702104201","name":"青杠村"}"""),
        ]);
        await using var page = await PageAsync(_ => Task.FromResult(answers.Dequeue()));

        (await page.RunAsync(ct => page.Gateway.SendAsync(page.Gateway.Dispatch.Assignments.ToPostRequestInformation(new StartAssignmentRequest()), ct))).ShouldBeFalse();
        page.Component.Problem.ShouldNotBeNull().Code.ShouldBe("first_secretary_taken");
        page.Component.Problem.Title.ShouldBe("该村已有第一书记");
        page.Component.Unavailable.ShouldBeNull();

        (await page.RunAsync(ct => ReadVillageAsync(page.Gateway, ct))).ShouldBeTrue();
        page.Component.Problem.ShouldBeNull();
    }

    [Fact]
    public async Task A_form_gets_its_problem_back_and_the_page_keeps_none()
    {
        await using var page = await PageAsync(_ => Task.FromResult(
            Answer(HttpStatusCode.BadRequest, "application/problem+json", """{"title":"请假信息有误","status":400,"code":"invalid_leave"}""")));

        var problem = await page.TryAsync(ct => page.Gateway.SendAsync(page.Gateway.Dispatch.Leave.ToPostRequestInformation(new LeaveRequestBody()), ct));

        problem.ShouldNotBeNull().Code.ShouldBe("invalid_leave");
        page.Component.Problem.ShouldBeNull();
        page.Component.Unavailable.ShouldBeNull();
    }

    [Fact]
    public async Task Leaving_the_page_cancels_its_call_without_an_error()
    {
        var called = new TaskCompletionSource();
        var page = await PageAsync(async ct =>
        {
            called.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("a cancelled call has no answer");
        });

        var call = page.RunAsync(ct => ReadVillageAsync(page.Gateway, ct));
        await called.Task;
        await page.DisposeAsync();

        // Cancelled, not failed: Blazor ignores a cancelled task, and the page that would show an error is gone.
        var ended = await Should.ThrowAsync<OperationCanceledException>(call);
        ended.ShouldNotBeNull();
        call.IsCanceled.ShouldBeTrue();
        page.Component.Problem.ShouldBeNull();
        page.Component.Unavailable.ShouldBeNull();
    }

    [Fact]
    public async Task A_newer_load_cancels_the_one_under_way_whose_late_answer_then_changes_nothing()
    {
        // The first read answers only when released (a slow service); the second at once.
        var slow = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var (gateway, http) = await TestGateway.CreateAsync(Options.Create(new ConsoleOptions()), _ => Interlocked.Increment(ref reads) == 1
            ? slow.Task
            : Task.FromResult(Answer(HttpStatusCode.OK, "application/json", """{"code":"511702104202","name":"白鹤村"}""")));
        await using var services = new ServiceCollection().AddLogging().AddSingleton(gateway).BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        ReloadProbePage? page = null;
        await renderer.Dispatcher.InvokeAsync(() => renderer.RenderComponentAsync<ReloadProbePage>(ParameterView.FromDictionary(
            new Dictionary<string, object?> { [nameof(ReloadProbePage.Created)] = (Action<ReloadProbePage>)(p => page = p) })));

        var first = renderer.Dispatcher.InvokeAsync(() => page!.Reload());
        await renderer.Dispatcher.InvokeAsync(() => page!.Reload());
        page!.Shown.ShouldBe("白鹤村");

        slow.SetResult(Answer(HttpStatusCode.OK, "application/json", """{"code":"511702104201","name":"青杠村"}"""));
        await first;
        page.Shown.ShouldBe("白鹤村");
        (page.Unavailable, page.Problem, page.IsLoading).ShouldBe((null, null, false));
        http.Dispose();
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string mediaType, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    /// <summary>A probe page rendered by a real renderer (which injects it and disposes it), over a gateway answered by <paramref name="answer"/>.</summary>
    private static async Task<RenderedPage> PageAsync(Func<CancellationToken, Task<HttpResponseMessage>> answer)
    {
        var (gateway, http) = await TestGateway.CreateAsync(Options.Create(new ConsoleOptions()), answer);

        var services = new ServiceCollection().AddLogging().AddSingleton(gateway).BuildServiceProvider();
        var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        ProbePage? component = null;
        await renderer.Dispatcher.InvokeAsync(() => renderer.RenderComponentAsync<ProbePage>(ParameterView.FromDictionary(
            new Dictionary<string, object?> { [nameof(ProbePage.Created)] = (Action<ProbePage>)(p => component = p) })));
        return new RenderedPage(renderer, services, http, component.ShouldNotBeNull(), gateway);
    }

    private static Task<VillageDto> ReadVillageAsync(GatewayApi gateway, CancellationToken cancellationToken) =>
        gateway.GetAsync(gateway.Dispatch.Villages["511702104201"].ToGetRequestInformation(), VillageDto.CreateFromDiscriminatorValue, cancellationToken);

    private sealed class RenderedPage(HtmlRenderer renderer, ServiceProvider services, HttpClient http, ProbePage component, GatewayApi gateway)
        : IAsyncDisposable
    {
        public ProbePage Component => component;

        public GatewayApi Gateway => gateway;

        // On the renderer's dispatcher, as Blazor runs a page's event handlers.
        public Task<bool> RunAsync(Func<CancellationToken, Task> action) => renderer.Dispatcher.InvokeAsync(() => component.Run(action));

        public Task<GatewayProblem?> TryAsync(Func<CancellationToken, Task> action) => renderer.Dispatcher.InvokeAsync(() => component.Try(action));

        // Disposing the renderer disposes its components: what Blazor does when the person leaves the page.
        public async ValueTask DisposeAsync()
        {
            await renderer.DisposeAsync();
            await services.DisposeAsync();
            http.Dispose();
        }
    }

    private sealed class DroppedContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            throw new HttpRequestException("The response ended prematurely.");

        protected override Task<Stream> CreateContentReadStreamAsync() => throw new HttpRequestException("The response ended prematurely.");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>A page that only exposes its base's members to the test.</summary>
public sealed class ProbePage : GatewayComponent
{
    [Parameter] public Action<ProbePage>? Created { get; set; }

    public new GatewayProblem? Problem => base.Problem;

    public new string? Unavailable => base.Unavailable;

    public Task<bool> Run(Func<CancellationToken, Task> action) => RunAsync(action);

    public Task<GatewayProblem?> Try(Func<CancellationToken, Task> action) => TryAsync(action);

    protected override void OnInitialized() => Created?.Invoke(this);
}

/// <summary>A page whose load reads one village and shows its name, reloaded by the test as a person asks again.</summary>
public sealed class ReloadProbePage : GatewayComponent
{
    [Parameter] public Action<ReloadProbePage>? Created { get; set; }

    public string? Shown { get; private set; }

    public new GatewayProblem? Problem => base.Problem;

    public new string? Unavailable => base.Unavailable;

    public bool IsLoading => Loading;

    public Task Reload() => ReloadAsync();

    protected override void OnInitialized() => Created?.Invoke(this);

    protected override async Task LoadAsync(CancellationToken cancellationToken) =>
        Shown = (await Api.GetAsync(Api.Dispatch.Villages["x"].ToGetRequestInformation(), VillageDto.CreateFromDiscriminatorValue, cancellationToken)).Name;
}
