using Notification.Api.Apis;
using Notification.Api.Extensions;
using Notification.Api.Grpc;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("notification");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous().WithoutRegionScope("the published REST contract");
app.MapNotificationApi();
app.MapGrpcService<NotificationService>().RequireGrpcPort();
app.MapGrpcDefaults();
app.MapErrorQueueApi("/api/notification");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
