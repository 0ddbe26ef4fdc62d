using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Platform.Grpc.Server;

/// <summary>
/// gzip and deflate as Grpc.AspNetCore offers them, except that a compressed message that does not decompress answers
/// INTERNAL, as the gRPC compression spec requires ("decompression fails: INTERNAL"), instead of the UNKNOWN that
/// Grpc.AspNetCore gives any exception (its providers let the InvalidDataException escape).
/// </summary>
internal sealed class StrictCompressionProvider(ICompressionProvider inner) : ICompressionProvider
{
    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new FailsAsInternal(inner.CreateDecompressionStream(stream), inner.EncodingName);

    private sealed class FailsAsInternal(Stream inner, string encoding) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Guard(() => inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (InvalidDataException)
            {
                throw Corrupt();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (InvalidDataException)
            {
                throw Corrupt();
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Guard(Func<int> read)
        {
            try
            {
                return read();
            }
            catch (InvalidDataException)
            {
                throw Corrupt();
            }
        }

        private RpcException Corrupt() => new(new Status(StatusCode.Internal, $"请求消息解压失败（{encoding} 数据损坏）"));
    }
}
