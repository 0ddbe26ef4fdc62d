using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Data.BackgroundRuns;

public static class BackgroundRunExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TRun"/> (one per process: a run keeps its state in its table, not in the object), its <see cref="BackgroundRunQueue{TRun}"/> and the worker that
    /// carries out its queued runs, with settings read from the service's own options.
    /// </summary>
    public static IServiceCollection AddBackgroundRuns<TRun>(this IServiceCollection services, Func<IServiceProvider, BackgroundRunSettings> settings)
        where TRun : class, IBackgroundRun
    {
        services.TryAddSingleton<TRun>();
        services.AddSingleton<BackgroundRunQueue<TRun>>();
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<BackgroundRunWorker<TRun>>(provider, settings(provider)));
        return services;
    }
}
