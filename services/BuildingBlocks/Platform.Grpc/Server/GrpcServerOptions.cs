using System.ComponentModel.DataAnnotations;

namespace Platform.Grpc.Server;

/// <summary>gRPC server settings (section <c>Grpc</c>).</summary>
public sealed class GrpcServerOptions
{
    public const string Section = "Grpc";

    /// <summary>Largest request message accepted; larger ones end the call with RESOURCE_EXHAUSTED. gRPC's usual 4 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }
}
