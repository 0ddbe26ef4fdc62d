using Pairing.Api.Apis;
using Pairing.Api.Extensions;
using Pairing.Api.Grpc;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("pairing");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapHouseholdsApi();
app.MapMatchingApi();
app.MapGrpcService<PairingService>(PairingReflection.Descriptor.Services[0]);
app.MapGrpcHealthService();
app.MapErrorQueueApi("/api/pairing");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
