using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.TestHost;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>gRPC calls to a service hosted in-process (its TestServer), with a bearer token on every call.</summary>
public static class InProcessGrpc
{
    public static CallInvoker Invoker(TestServer server, string token)
    {
        var channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        return channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + token);
            return metadata;
        });
    }
}
