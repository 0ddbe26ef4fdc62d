using Pairing.Api.Apis;
using Pairing.Api.Extensions;
using Pairing.Api.Grpc;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("pairing");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous().WithoutRegionScope("the published REST contract");
app.MapHouseholdsApi();
app.MapMatchingApi();
app.MapImportsApi();
app.MapMonitoringApi();
app.MapGrpcService<PairingService>().RequireGrpcPort();
app.MapGrpcDefaults();
app.MapErrorQueueApi("/api/pairing");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
