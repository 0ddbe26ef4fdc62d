using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Platform.Grpc;

/// <summary>
/// Length-prefixed messages: 1 byte compressed flag, 4 bytes big-endian length, then the protobuf bytes.
/// A message may arrive split across any number of reads; the reader waits for the whole frame.
/// </summary>
public static class GrpcFraming
{
    public const int HeaderSize = 5;

    /// <summary>Takes one complete frame off the front of <paramref name="buffer"/>; false when more bytes are needed.</summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageSize, out bool compressed, out ReadOnlySequence<byte> message)
    {
        compressed = false;
        message = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        if (header[0] > 1)
        {
            throw new GrpcException(StatusCode.Internal, $"Invalid compressed flag {header[0]} in message header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > maxMessageSize)
        {
            throw new GrpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize})");
        }

        if (buffer.Length < HeaderSize + length)
        {
            return false;
        }

        compressed = header[0] == 1;
        message = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>
    /// Reads the next message, or null at a clean end of stream. A stream that ends inside a frame is INTERNAL;
    /// a compressed message is inflated with <paramref name="encoding"/> (gzip) and also checked against the limit.
    /// </summary>
    public static async ValueTask<IMessage?> ReadMessageAsync(PipeReader reader, MessageParser parser, int maxMessageSize, string? encoding, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var taken = false;
            try
            {
                if (TryReadFrame(ref buffer, maxMessageSize, out var compressed, out var frame))
                {
                    taken = true;
                    return compressed ? ParseCompressed(parser, frame, encoding, maxMessageSize) : parser.ParseFrom(frame);
                }

                if (result.IsCompleted)
                {
                    return buffer.IsEmpty
                        ? null
                        : throw new GrpcException(StatusCode.Internal, $"Incomplete message: the stream ended after {buffer.Length} byte(s) of a frame.");
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new GrpcException(StatusCode.Internal, "Failed to deserialize the message: " + ex.Message);
            }
            finally
            {
                if (taken)
                {
                    // Bytes after the frame (the next message) are returned by the next read at once.
                    reader.AdvanceTo(buffer.Start);
                }
                else
                {
                    // An incomplete frame: keep it, and let the next read wait for more bytes.
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }

    private static IMessage ParseCompressed(MessageParser parser, ReadOnlySequence<byte> frame, string? encoding, int maxMessageSize)
    {
        if (!string.Equals(encoding, GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase))
        {
            throw new GrpcException(StatusCode.Internal, "A compressed message arrived without a supported grpc-encoding.");
        }

        using var compressed = new MemoryStream(frame.ToArray());
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = gzip.Read(chunk)) > 0)
        {
            inflated.Write(chunk, 0, read);
            if (inflated.Length > maxMessageSize)
            {
                throw new GrpcException(StatusCode.ResourceExhausted, $"Received message larger than max after decompression (> {maxMessageSize})");
            }
        }

        return parser.ParseFrom(new ReadOnlySequence<byte>(inflated.GetBuffer(), 0, (int)inflated.Length));
    }

    /// <summary>Writes one uncompressed frame into <paramref name="writer"/> (not flushed).</summary>
    public static void WriteFrame(IBufferWriter<byte> writer, IMessage message, int? maxMessageSize = null)
    {
        var size = message.CalculateSize();
        if (maxMessageSize is { } max && size > max)
        {
            throw new GrpcException(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {max})");
        }

        var span = writer.GetSpan(HeaderSize + size);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
        message.WriteTo(span.Slice(HeaderSize, size));
        writer.Advance(HeaderSize + size);
    }

    /// <summary>One frame as an array (client requests are sent as a single buffer).</summary>
    public static byte[] ToFrame(IMessage message, int? maxMessageSize = null)
    {
        var writer = new ArrayBufferWriter<byte>(HeaderSize + message.CalculateSize());
        WriteFrame(writer, message, maxMessageSize);
        return writer.WrittenSpan.ToArray();
    }
}
