using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc;

namespace Platform.UnitTests;

public class GrpcFramingTests
{
    private static readonly GetVillageRequest Request = new() { Code = "511702104203" };

    private static async Task<List<IMessage>> ReadAllAsync(IEnumerable<byte[]> chunks, int max = 1024, string? encoding = null)
    {
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            foreach (var chunk in chunks)
            {
                await pipe.Writer.WriteAsync(chunk);
                await Task.Yield();
            }

            await pipe.Writer.CompleteAsync();
        });
        var messages = new List<IMessage>();
        while (await GrpcFraming.ReadMessageAsync(pipe.Reader, GetVillageRequest.Parser, max, encoding, CancellationToken.None) is { } message)
        {
            messages.Add(message);
        }

        await writing;
        return messages;
    }

    [Fact]
    public async Task A_message_split_across_many_reads_is_reassembled()
    {
        var frame = GrpcFraming.ToFrame(Request);
        var messages = await ReadAllAsync(frame.Select(b => new[] { b })); // one byte per read
        messages.ShouldHaveSingleItem().ShouldBe(Request);
    }

    [Fact]
    public async Task Two_messages_in_one_read_come_out_as_two()
    {
        var frame = GrpcFraming.ToFrame(Request);
        var other = GrpcFraming.ToFrame(new GetVillageRequest { Code = "511702104201" });
        var messages = await ReadAllAsync([[.. frame, .. other]]);
        messages.Count.ShouldBe(2);
        ((GetVillageRequest)messages[1]).Code.ShouldBe("511702104201");
    }

    [Fact]
    public async Task A_zero_length_message_is_the_empty_message()
    {
        var messages = await ReadAllAsync([[0, 0, 0, 0, 0]]);
        messages.ShouldHaveSingleItem().ShouldBe(new GetVillageRequest());
    }

    [Fact]
    public async Task A_truncated_message_is_INTERNAL()
    {
        var frame = GrpcFraming.ToFrame(Request);
        var error = await Should.ThrowAsync<GrpcException>(() => ReadAllAsync([frame[..^1]]));
        error.Status.ShouldBe(StatusCode.Internal);
    }

    [Fact]
    public async Task A_truncated_header_is_INTERNAL()
    {
        var error = await Should.ThrowAsync<GrpcException>(() => ReadAllAsync([[0, 0, 0]]));
        error.Status.ShouldBe(StatusCode.Internal);
    }

    [Fact]
    public async Task Extra_bytes_after_a_message_are_a_truncated_second_frame()
    {
        var frame = GrpcFraming.ToFrame(Request);
        var error = await Should.ThrowAsync<GrpcException>(() => ReadAllAsync([[.. frame, 0, 0]]));
        error.Status.ShouldBe(StatusCode.Internal);
    }

    [Fact]
    public async Task A_declared_length_above_the_limit_is_RESOURCE_EXHAUSTED_without_waiting_for_the_bytes()
    {
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 2048);
        var error = await Should.ThrowAsync<GrpcException>(() => ReadAllAsync([header], max: 1024));
        error.Status.ShouldBe(StatusCode.ResourceExhausted);
    }

    [Fact]
    public async Task A_gzip_message_is_inflated_and_checked_against_the_limit_after_inflation()
    {
        byte[] Compressed(IMessage message)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                message.WriteTo(gzip);
            }

            var body = output.ToArray();
            var frame = new byte[5 + body.Length];
            frame[0] = 1;
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
            body.CopyTo(frame, 5);
            return frame;
        }

        (await ReadAllAsync([Compressed(Request)], encoding: "gzip")).ShouldHaveSingleItem().ShouldBe(Request);
        var bomb = new GetVillageRequest { Code = new string('0', 100_000) };
        (await Should.ThrowAsync<GrpcException>(() => ReadAllAsync([Compressed(bomb)], max: 10_000, encoding: "gzip"))).Status.ShouldBe(StatusCode.ResourceExhausted);
        (await Should.ThrowAsync<GrpcException>(() => ReadAllAsync([Compressed(Request)]))).Status.ShouldBe(StatusCode.Internal);
    }

    [Fact]
    public async Task An_invalid_compressed_flag_is_INTERNAL()
    {
        var frame = GrpcFraming.ToFrame(Request);
        frame[0] = 7;
        (await Should.ThrowAsync<GrpcException>(() => ReadAllAsync([frame]))).Status.ShouldBe(StatusCode.Internal);
    }

    [Fact]
    public void Sending_above_the_limit_is_RESOURCE_EXHAUSTED() =>
        Should.Throw<GrpcException>(() => GrpcFraming.ToFrame(new GetVillageRequest { Code = new string('x', 100) }, 50)).Status.ShouldBe(StatusCode.ResourceExhausted);
}

public class GrpcProtocolTests
{
    [Theory]
    [InlineData("OK", "OK")]
    [InlineData("100%", "100%25")]
    [InlineData("未找到", "%E6%9C%AA%E6%89%BE%E5%88%B0")]
    [InlineData("line\nbreak", "line%0Abreak")]
    public void Messages_are_percent_encoded_as_the_spec_says(string message, string encoded)
    {
        GrpcProtocol.EncodeMessage(message).ShouldBe(encoded);
        GrpcProtocol.DecodeMessage(encoded).ShouldBe(message);
    }

    [Fact]
    public void A_malformed_escape_is_kept_as_it_is() => GrpcProtocol.DecodeMessage("50%ZZ off %4").ShouldBe("50%ZZ off %4");

    [Theory]
    [InlineData("1H", 3600_000)]
    [InlineData("2M", 120_000)]
    [InlineData("3S", 3000)]
    [InlineData("250m", 250)]
    [InlineData("5000u", 5)]
    [InlineData("7000000n", 7)]
    public void Timeouts_parse_in_every_unit(string header, double milliseconds)
    {
        GrpcProtocol.TryParseTimeout(header, out var timeout).ShouldBeTrue();
        timeout.TotalMilliseconds.ShouldBe(milliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5s")]
    [InlineData("123456789S")] // nine digits
    [InlineData("-5S")]
    public void Malformed_timeouts_are_refused(string header) => GrpcProtocol.TryParseTimeout(header, out _).ShouldBeFalse();

    [Theory]
    [InlineData(0.5)]
    [InlineData(10_000)]
    [InlineData(86_400_000)]
    [InlineData(1e12)]
    public void Formatted_timeouts_fit_eight_digits_and_never_shorten_the_deadline(double milliseconds)
    {
        var timeout = TimeSpan.FromMilliseconds(milliseconds);
        var header = GrpcProtocol.FormatTimeout(timeout);
        (header.Length - 1).ShouldBeLessThanOrEqualTo(8);
        GrpcProtocol.TryParseTimeout(header, out var parsed).ShouldBeTrue();
        parsed.ShouldBeGreaterThanOrEqualTo(timeout);
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void Content_types(string? contentType, bool grpc) => GrpcProtocol.IsGrpcContentType(contentType).ShouldBe(grpc);
}
