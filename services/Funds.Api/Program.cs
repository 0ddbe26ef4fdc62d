using Funds.Api.Apis;
using Funds.Api.Extensions;
using Funds.Api.Grpc;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("funds");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous().WithoutRegionScope("the published REST contract");
app.MapFundsApi();
app.MapRevolvingFundsApi();
app.MapStatementsApi();
app.MapGrpcService<FundsService>().RequireGrpcPort();
app.MapGrpcDefaults();
app.MapErrorQueueApi("/api/funds");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
