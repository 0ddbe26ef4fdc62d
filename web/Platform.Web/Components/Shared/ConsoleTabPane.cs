using AntDesign;

namespace Platform.Web.Components.Shared;

/// <summary>
/// AntDesign's <see cref="TabPane"/> without its finalizer. In AntDesign 1.6.2 the base component's finalizer calls
/// <c>TabPane.Dispose(false)</c>, which asks the parent <see cref="Tabs"/> to render from the GC's finalizer thread; the
/// exception that throws there ends the whole process (it crashed the test host in a clean-clone CI run, 2026-11-30,
/// and would end a console replica the same way). Blazor still disposes the pane when it leaves the page, which is all
/// the pane needs.
/// </summary>
public class ConsoleTabPane : TabPane
{
    public ConsoleTabPane() => GC.SuppressFinalize(this);
}
