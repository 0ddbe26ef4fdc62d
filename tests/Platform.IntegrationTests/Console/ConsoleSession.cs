using Microsoft.Playwright;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// One signed-in person's browser (a fresh context: cookies of their own) on the console. <see cref="StepAsync"/> names a
/// step of a test: when it fails, the page as it was is kept as a screenshot whose path the failure names.
/// </summary>
public sealed class ConsoleSession : IAsyncDisposable
{
    private readonly string test;
    private readonly ConsoleServerErrors serverErrors;

    internal ConsoleSession(IBrowserContext context, IPage page, Uri address, ConsoleServerErrors serverErrors, string test)
    {
        this.serverErrors = serverErrors;
        Context = context;
        Page = page;
        Address = address;
        this.test = test;
    }

    /// <summary>The address the person browses (the gateway).</summary>
    public Uri Address { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Where failed steps leave their screenshots: <c>TestResults/console-screenshots</c> under the tests' output folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "console-screenshots");

    /// <summary>
    /// Runs one step; on failure saves <c>TestResults/console-screenshots/&lt;test&gt;-&lt;name&gt;.png</c> (and the page's
    /// HTML beside it) and throws <see cref="ConsoleStepException"/> carrying the failure and the screenshot's path.
    /// </summary>
    public async Task StepAsync(string name, Func<Task> step)
    {
        var mark = serverErrors.Count;
        try
        {
            await step();
        }
        catch (Exception failure)
        {
            var path = await KeepPageAsync(name);
            var errors = serverErrors.Since(mark);
            throw new ConsoleStepException(
                $"step \"{name}\" of {test} failed at {Page.Url}; screenshot: {path}\n{failure.Message}"
                + (errors.Count == 0 ? string.Empty : $"\nthe console's server logged meanwhile:\n{string.Join('\n', errors)}"),
                failure);
        }
    }

    /// <summary>Opens <paramref name="path"/> of the console (a full load) and waits until the page is interactive.</summary>
    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(new Uri(Address, path).ToString());
        await WaitUntilInteractiveAsync();
    }

    /// <summary>
    /// Waits until the page's circuit is up: a page is first rendered on the server, and a click before the circuit
    /// connects does nothing. The console marks the document once its components run interactively
    /// (<c>data-console-interactive</c>, Routes.razor).
    /// </summary>
    public Task WaitUntilInteractiveAsync() =>
        Page.Locator("[data-console-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>The page now, full length, at <c>TestResults/console-screenshots/&lt;test&gt;-&lt;name&gt;.png</c>; returns the path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{Safe(test)}-{Safe(name)}.png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    private async Task<string> KeepPageAsync(string name)
    {
        try
        {
            var path = await ScreenshotAsync(name);
            await File.WriteAllTextAsync(Path.ChangeExtension(path, ".html"), await Page.ContentAsync());
            return path;
        }
        catch (PlaywrightException unavailable)
        {
            // A closed page cannot be photographed; the failure itself still goes to the test's report.
            return $"(none: {unavailable.Message})";
        }
    }

    private static string Safe(string text) => string.Concat(text.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == ' ' ? '_' : c));

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

/// <summary>A failed step of a browser test; its message names the screenshot kept of the page.</summary>
public sealed class ConsoleStepException(string message, Exception inner) : Exception(message, inner);
