using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Migrations;
using Platform.ServiceDefaults;
using Quartz;

namespace Platform.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>The Quartz group of the platform's jobs and triggers.</summary>
    public const string Group = "platform";

    // A failed run is retried (dispatch was briefly away, the database failed over) from 30 s, doubling to 15 min, twelve
    // times (about two and a half hours), never past the next occurrence nor, in effect, past ScheduledJobsOptions.CatchUp.
    private static readonly RetryPolicy FailedRunRetry = RetryPolicy.Exponential(12, TimeSpan.FromSeconds(30), 2, TimeSpan.FromMinutes(15), 0.2);

    /// <summary>
    /// Scheduled jobs on Quartz.NET, configured from <paramref name="section"/> (<see cref="ScheduledJobsOptions"/>): cron
    /// schedules in the configured zone (Asia/Shanghai unless told otherwise); the clustered ADO.NET job store in the
    /// service's own PostgreSQL database, through its <see cref="NpgsqlDataSource"/>, so each occurrence fires on one
    /// replica; a missed occurrence fired once when a replica is back (FireAndProceed), and a firing of a replica that
    /// died recovered by another. Quartz's tables come from this block's numbered migrations (stream "scheduling"), and
    /// Quartz only validates them. Register the jobs with <see cref="AddScheduledJob{TJob}"/>. With
    /// <c>{section}:Enabled=false</c> no scheduler runs on this replica; <see cref="ScheduledJobRunner"/> still runs an
    /// occurrence by hand.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformScheduling(this IHostApplicationBuilder builder, string section, Action<ScheduledJobsOptions>? configure = null)
    {
        builder.Services.AddOptions<ScheduledJobsOptions>().BindConfiguration(section).Configure(o => configure?.Invoke(o)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ScheduledJobsOptions>>(sp => new ScheduledJobsOptionsValidator(section, sp.GetServices<ScheduledJobDefinition>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ScheduledJobRunner>();
        builder.Services.AddSingleton(MigrationSource.FromAssembly("scheduling", typeof(SchedulingExtensions).Assembly));

        // What Quartz itself is built with is read now, as the host is being put together.
        var settings = new ScheduledJobsOptions();
        builder.Configuration.GetSection(section).Bind(settings);
        configure?.Invoke(settings);
        if (!settings.Enabled)
        {
            return builder;
        }

        var name = builder.Services.Select(d => d.ImplementationInstance).OfType<ServiceIdentity>().FirstOrDefault()?.Name ?? builder.Environment.ApplicationName;
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = name;
                scheduler.IdleWaitTime = settings.IdleWaitTime;
                scheduler.DefaultMisfireHandling = DefaultMisfireHandling.FireAndProceed;
            });
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(dataSource => dataSource.DataSourceFactory = sp => sp.GetRequiredService<NpgsqlDataSource>());
                store.UseClustering(cluster => cluster.CheckinInterval = settings.CheckinInterval);
                store.ConfigureStore(options =>
                {
                    // The platform's migrations own the tables; Quartz refuses to start if they do not match what it needs.
                    options.SchemaProvisioning = SchemaProvisioning.Validate;
                    options.StoreJobDataAsStrings = true;
                });
            });
        });

        // The jobs and triggers of every start replace the stored ones (a changed schedule takes effect), and a replaced
        // trigger keeps its last fire time, so an occurrence missed while every replica was down still fires once.
        builder.Services.Configure<QuartzOptions>(options =>
        {
            options.Scheduling.OverwriteExistingData = true;
            options.Scheduling.ScheduleTriggerRelativeToReplacedTrigger = true;
        });
        builder.Services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>
    /// Registers a scheduled job as <paramref name="name"/>, on <paramref name="defaultSchedule"/> (a Quartz cron
    /// expression, or <c>off</c>) unless <c>{section}:Schedules:{name}</c> says otherwise. Callable before or after
    /// <see cref="AddPlatformScheduling"/>, and by tests.
    /// </summary>
    public static IServiceCollection AddScheduledJob<TJob>(this IServiceCollection services, string name, string defaultSchedule)
        where TJob : class, IScheduledJob
    {
        services.AddSingleton(new ScheduledJobDefinition(name, typeof(TJob), defaultSchedule));
        services.AddKeyedTransient<IScheduledJob, TJob>(name);
        services.ConfigureAllQuartzSchedulers(quartz =>
        {
            var key = new JobKey(name, Group);
            // One run of a job at a time across the cluster; a firing whose replica dies is re-fired elsewhere.
            quartz.AddJob<ScheduledJobFiring>(job => job.WithIdentity(key).RequestRecovery().DisallowConcurrentExecution()
                .WithDescription($"Platform scheduled job {name}"));
            quartz.AddConfiguredTrigger<ScheduledJobFiring>($"Schedules:{name}",
                (sp, _) => sp.GetRequiredService<IOptions<ScheduledJobsOptions>>().Value.Schedules.TryGetValue(name, out var configured) && IsOff(configured)
                    ? ConfiguredOff
                    : null,
                (sp, _, trigger) =>
                {
                    var runner = sp.GetRequiredService<ScheduledJobRunner>();
                    var zone = sp.GetRequiredService<IOptions<ScheduledJobsOptions>>().Value.Zone();
                    // Switched off, Quartz only needs the trigger's key (to unschedule one stored by an earlier start).
                    var schedule = runner.ScheduleOf(name)?.CronExpressionString ?? NeverCron;
                    trigger.WithIdentity(name, Group).ForJob(key)
                        .WithCronSchedule(schedule, cron => cron.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                        .WithRetryPolicy(FailedRunRetry);
                });
        });
        return services;
    }

    /// <summary>Whether a schedule says the job is switched off.</summary>
    public static bool IsOff(string? schedule) => string.Equals(schedule?.Trim(), ScheduledJobsOptions.Off, StringComparison.OrdinalIgnoreCase);

    // Quartz's own spelling of "switched off" for a configured trigger.
    private const string ConfiguredOff = "-";

    // Any valid expression: a switched-off trigger is built only for its key and never stored.
    private const string NeverCron = "0 0 0 1 1 ? 2099";

    private sealed class ScheduledJobsOptionsValidator(string section, IEnumerable<ScheduledJobDefinition> definitions) : IValidateOptions<ScheduledJobsOptions>
    {
        public ValidateOptionsResult Validate(string? name, ScheduledJobsOptions options)
        {
            var failures = new List<string>();
            try
            {
                options.Zone();
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                failures.Add($"{section}: time zone '{options.TimeZone}' is not known.");
            }

            if (options.CatchUp <= TimeSpan.Zero || options.CheckinInterval <= TimeSpan.Zero || options.IdleWaitTime < TimeSpan.FromSeconds(1))
            {
                failures.Add($"{section}: CatchUp and CheckinInterval must be positive, IdleWaitTime at least one second.");
            }

            foreach (var job in definitions)
            {
                var schedule = options.Schedules.TryGetValue(job.Name, out var configured) ? configured : job.DefaultSchedule;
                if (!IsOff(schedule) && !CronExpression.TryParse(schedule?.Trim(), out _))
                {
                    failures.Add($"{section}:Schedules:{job.Name} = '{schedule}' is neither a Quartz cron expression " +
                        "(seconds minutes hours day-of-month month day-of-week, e.g. '0 30 9 * * ?' for 09:30 daily) nor 'off'.");
                }
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
