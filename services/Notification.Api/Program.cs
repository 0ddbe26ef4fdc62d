using Notification.Api.Apis;
using Notification.Api.Extensions;
using Notification.Api.Grpc;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("notification");
builder.AddApplicationServices();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapNotificationApi();
app.MapGrpcService<NotificationService>(NotificationReflection.Descriptor.Services[0]);
app.MapGrpcHealthService();
app.MapErrorQueueApi("/api/notification");

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
