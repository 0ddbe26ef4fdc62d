using Platform.ServiceDefaults;
using Platform.Web.Components;
using Platform.Web.Extensions;
using Platform.Web.Session;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("console");
builder.AddApplicationServices();
// Served from a build's output (./platform up runs bin/Release): AntDesign's and Blazor's files are found through the
// build's static-assets manifest, which ASP.NET Core reads by itself only in Development. A published image has the files.
builder.WebHost.UseStaticWebAssets();

var app = builder.Build();
app.UseServiceDefaults();
app.UseConsoleSecurityHeaders();
app.UseRequestLocalization("zh-CN");
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapStaticAssets().AllowAnonymous();
app.MapSignInEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .RequireAuthorization();

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
