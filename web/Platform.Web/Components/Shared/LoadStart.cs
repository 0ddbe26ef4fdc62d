namespace Platform.Web.Components.Shared;

/// <summary>
/// A component that calls the gateway (<see cref="GatewayComponent"/>) loads while its page is rendered on the server:
/// what arrives within <c>Console:PrerenderBudget</c> is in the first HTML and is carried to the circuit (its public
/// <c>[PersistentState]</c> properties), so the interactive page neither loads it again nor shows a spinner. Everything
/// its <c>LoadAsync</c> sets that its markup reads must be such a property (the circuit restores only those), and two
/// such components of one type under one parent need a <c>@key</c> (the state's key is made of the types and the key).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class LoadWhilePrerenderingAttribute : Attribute;

/// <summary>When a component that calls the gateway loads its data.</summary>
public enum LoadStart
{
    /// <summary>It loads nothing (no <c>LoadAsync</c>).</summary>
    Nothing,

    /// <summary>Now, while the page is rendered on the server, within the budget.</summary>
    WhilePrerendering,

    /// <summary>After its first interactive render, a spinner until then.</summary>
    OnceInteractive,

    /// <summary>Not again: the page rendered on the server loaded it, and the circuit restored it.</summary>
    Restored,
}

/// <summary>The one rule of <see cref="LoadStart"/>, apart from the component so that it can be tested by itself.</summary>
public static class LoadStarts
{
    /// <param name="loads">The component overrides <c>LoadAsync</c>.</param>
    /// <param name="interactive">It runs in the circuit (false: the page is being rendered on the server).</param>
    /// <param name="optedIn">It carries <see cref="LoadWhilePrerenderingAttribute"/>.</param>
    /// <param name="budget">The console's <c>PrerenderBudget</c>; zero turns loading while prerendering off.</param>
    /// <param name="restored">The circuit restored the mark the prerendered page left when its load finished in time.</param>
    public static LoadStart Decide(bool loads, bool interactive, bool optedIn, TimeSpan budget, bool restored)
    {
        if (!loads)
        {
            return LoadStart.Nothing;
        }

        if (interactive)
        {
            // Only an opted-in component's state is complete when restored: another's fields were not carried.
            return optedIn && restored ? LoadStart.Restored : LoadStart.OnceInteractive;
        }

        return optedIn && budget > TimeSpan.Zero ? LoadStart.WhilePrerendering : LoadStart.OnceInteractive;
    }
}
