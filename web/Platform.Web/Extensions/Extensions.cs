using Microsoft.Extensions.Options;
using Platform.Web.Components.Shared;
using Platform.Web.Gateway;
using Platform.Web.Session;

namespace Platform.Web.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>().Bind(builder.Configuration.GetSection(ConsoleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        // One replica keeps sessions in memory; docs/operations.md ("Console") says what a second replica needs.
        builder.Services.AddDistributedMemoryCache();
        builder.AddConsoleSignIn();

        builder.Services.AddHttpClient<GatewayApi>((services, http) =>
        {
            var options = services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
            http.BaseAddress = options.GatewayAddress;
            http.Timeout = options.GatewayTimeout;
        });
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<PrerenderHandoff>();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddScoped<ExcelExport>();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAntDesign();
        builder.Services.AddLocalization();
        AntDesign.LocaleProvider.SetLocale("zh-CN");
        return builder;
    }
}
