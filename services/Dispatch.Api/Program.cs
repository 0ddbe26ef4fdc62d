using Dispatch.Api.Apis;
using Dispatch.Api.Extensions;
using Dispatch.Api.Grpc;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("dispatch");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapRegionsApi();
app.MapPeopleApi();
app.MapAssignmentsApi();
app.MapAttendanceApi();
app.MapGrpcService<VillageRegistryService>(VillageRegistryReflection.Descriptor.Services[0]);
app.MapGrpcService<PersonnelService>(PersonnelReflection.Descriptor.Services[0]);
app.MapGrpcHealthService();
app.MapErrorQueueApi("/api/dispatch");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
