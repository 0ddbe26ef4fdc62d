using Platform.Gateway.Discovery;
using Platform.Gateway.Extensions;
using Platform.Grpc.Server;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddGatewayServices();

var app = builder.Build();
app.UseGateway();
app.MapDefaultEndpoints();
app.MapDiscovery();
app.MapApiReference();
app.MapGrpcDefaults();
app.MapGatewayProxy();
await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
