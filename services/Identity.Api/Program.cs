using Identity.Api.Apis;
using Identity.Api.Extensions;
using Identity.Api.Features.Accounts;
using Identity.Api.Features.Federation;
using Identity.Api.Features.SignIn;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddApplicationServices();
builder.AddAccountAdministration();

var app = builder.Build();
app.UseServiceDefaults();
app.UsePageSecurityHeaders();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous().WithoutRegionScope("the published REST contract");
app.MapConnectApi();
app.MapAccountsApi();
app.MapFederatedSignIn();
app.MapRazorPages().WithMetadata(ProtocolParameters.Instance);
app.MapGrpcDefaults();

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
