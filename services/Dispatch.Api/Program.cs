using Dispatch.Api.Apis;
using Dispatch.Api.Extensions;
using Dispatch.Api.Grpc;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("dispatch");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous().WithoutRegionScope("the published REST contract");
app.MapRegionsApi();
app.MapPeopleApi();
app.MapVillageOrganisationApi();
app.MapAssignmentsApi();
app.MapAttendanceApi();
app.MapGrpcService<VillageRegistryService>().RequireGrpcPort();
app.MapGrpcService<PersonnelService>().RequireGrpcPort();
app.MapGrpcDefaults();
app.MapErrorQueueApi("/api/dispatch");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
