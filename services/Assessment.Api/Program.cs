using Assessment.Api.Apis;
using Assessment.Api.Extensions;
using Assessment.Api.Grpc;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("assessment");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous().WithoutRegionScope("the published REST contract");
app.MapAssessmentApi();
app.MapAnnualReviewApi();
app.MapAccountabilityApi();
app.MapGrpcService<AssessmentService>().RequireGrpcPort();
app.MapGrpcService<AnnualReviewService>().RequireGrpcPort();
app.MapGrpcService<AccountabilityService>().RequireGrpcPort();
app.MapGrpcDefaults();
app.MapErrorQueueApi("/api/assessment");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
