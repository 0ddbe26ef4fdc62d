using System.Runtime.CompilerServices;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Platform.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// Basic accessibility of every page, judged by axe-core (Deque's engine, WCAG 2.x A and AA rules: a label for every field,
/// a name for every button and link, text contrast, the document's language and title), and keyboard use of the menu.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed class AccessibilityTests(ConsoleStack stack)
{
    /// <summary>Every page an official opens from the menu, and a village's page.</summary>
    private static readonly string[] OfficialPages =
    [
        "/", "/villages", $"/villages/{TwoCountyForces.Village1}", "/units", "/cadres", $"/assignments?village={TwoCountyForces.Village1}", "/organisation",
        "/attendance", "/attendance/leave", "/attendance/inspections", "/attendance/settings",
        "/households", "/pairing/matching", "/pairing/compliance", "/pairing/monitoring",
        "/assessment", "/assessment/rankings", "/assessment/register",
        "/funds", "/funds/disbursements", "/notifications", "/admin/accounts",
    ];

    /// <summary>The phone pages of a first secretary.</summary>
    private static readonly string[] PhonePages = ["/m", "/m/log", "/m/leave", "/m/contacts", "/m/risk", "/m/inbox"];

    [Fact]
    public async Task Every_page_an_official_opens_passes_axe_s_WCAG_A_and_AA_rules()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        (await ViolationsAsync(session, OfficialPages)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_phone_page_passes_axe_s_WCAG_A_and_AA_rules()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.FirstSecretary, phone: true);
        (await ViolationsAsync(session, PhonePages)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_keyboard_alone_reaches_a_page_of_the_menu_and_opens_it()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var page = session.Page;
        await session.StepAsync("Tab to 月度考勤 and press Enter", async () =>
        {
            var focused = string.Empty;
            for (var presses = 0; presses < 40 && focused != "月度考勤"; presses++)
            {
                await page.Keyboard.PressAsync("Tab");
                focused = await page.EvaluateAsync<string>("() => (document.activeElement?.innerText ?? '').trim()");
            }

            focused.ShouldBe("月度考勤", "Tab never reached the menu's 月度考勤");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(new Uri(session.Address, "/attendance").ToString());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("考勤");
        });
    }

    /// <summary>
    /// Opens each page, waits until it has loaded its data, and runs axe on it. Gives back one line per rule broken (with
    /// the pages and one element as an example); every element found is written to
    /// <c>TestResults/console-screenshots/axe-&lt;role&gt;.txt</c>.
    /// </summary>
    private static async Task<List<string>> ViolationsAsync(ConsoleSession session, IEnumerable<string> paths, [CallerMemberName] string test = "")
    {
        var found = new List<(string Path, AxeResultItem Rule, AxeResultNode Node)>();
        foreach (var path in paths)
        {
            await session.StepAsync($"load {path}", async () =>
            {
                await session.GotoAsync(path);
                await Expect(session.Page.Locator(".ant-spin-spinning, .ant-skeleton-active")).ToHaveCountAsync(0);
                // AntDesign's buttons and tags fade their colours (0.2-0.3 s) when the page's data enables them; axe measured
                // contrast mid-fade under load (a different element each run). Judged once no finite animation runs.
                await session.Page.WaitForFunctionAsync(
                    "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)");
            });

            var result = await session.Page.RunAxe(new AxeRunOptions
            {
                RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
            });
            found.AddRange(result.Violations.SelectMany(rule => rule.Nodes.Select(node => (path, rule, node))));
        }

        Directory.CreateDirectory(ConsoleSession.ScreenshotFolder);
        await File.WriteAllLinesAsync(Path.Combine(ConsoleSession.ScreenshotFolder, $"axe-{test}.txt"),
            found.Select(f => $"{f.Path}\t{f.Rule.Id}\t{string.Join(" ", f.Node.Target)}\t{f.Node.Html}"));
        return
        [
            .. found.GroupBy(f => f.Rule.Id).Select(rule =>
                $"{rule.Key} ({rule.First().Rule.Impact}, {rule.First().Rule.Help}): {rule.Count()} elements on "
                + $"{string.Join(" ", rule.Select(f => f.Path).Distinct())}; for example {rule.First().Node.Html}"),
        ];
    }
}
