using System.Buffers;

namespace RocketTax.RocketMQ.Http2.Tests;

public sealed class Http2FramesTests
{
    [Fact]
    public void A_frame_is_read_only_once_all_of_it_has_arrived()
    {
        var output = new ArrayBufferWriter<byte>();
        Http2Frames.WriteData(output, 3, "hello"u8, endStream: true);
        Http2Frames.WritePing(output, 42, ack: false);
        var bytes = output.WrittenMemory;

        var partial = new ReadOnlySequence<byte>(bytes[..10]);
        Assert.False(Http2Frames.TryReadFrame(ref partial, Http2Frames.DefaultMaxFrameSize, out _, out _));
        Assert.Equal(10, partial.Length);

        var all = new ReadOnlySequence<byte>(bytes);
        Assert.True(Http2Frames.TryReadFrame(ref all, Http2Frames.DefaultMaxFrameSize, out var data, out var payload));
        Assert.Equal(new Http2FrameHeader(5, Http2FrameType.Data, Http2FrameFlags.EndStream, 3), data);
        Assert.Equal("hello"u8.ToArray(), payload.ToArray());
        Assert.True(Http2Frames.TryReadFrame(ref all, Http2Frames.DefaultMaxFrameSize, out var ping, out payload));
        Assert.Equal(Http2FrameType.Ping, ping.Type);
        Assert.Equal(42UL, Http2Frames.ReadPing(payload));
        Assert.True(all.IsEmpty);
    }

    [Fact]
    public void A_frame_over_the_announced_size_is_a_frame_size_error()
    {
        var output = new ArrayBufferWriter<byte>();
        Http2Frames.WriteData(output, 1, new byte[100], endStream: false);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        var error = Assert.Throws<Http2ProtocolException>(() => Http2Frames.TryReadFrame(ref buffer, 99, out _, out _));

        Assert.Equal(Http2ErrorCode.FrameSizeError, error.ErrorCode);
    }

    [Fact]
    public void A_large_header_block_goes_out_as_headers_and_continuations()
    {
        var block = Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray();
        var output = new ArrayBufferWriter<byte>();

        Http2Frames.WriteHeaders(output, 5, block, endStream: true, Http2Frames.DefaultMaxFrameSize);

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var frames = new List<(Http2FrameHeader Header, byte[] Payload)>();
        while (Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out var header, out var payload))
        {
            frames.Add((header, payload.ToArray()));
        }

        Assert.Equal(
            [
                new Http2FrameHeader(16384, Http2FrameType.Headers, Http2FrameFlags.EndStream, 5),
                new Http2FrameHeader(16384, Http2FrameType.Continuation, Http2FrameFlags.None, 5),
                new Http2FrameHeader(7232, Http2FrameType.Continuation, Http2FrameFlags.EndHeaders, 5),
            ],
            frames.Select(f => f.Header));
        Assert.Equal(block, frames.SelectMany(f => f.Payload));
    }

    [Fact]
    public void Padding_and_priority_fields_are_not_content()
    {
        // HEADERS, padded (2 bytes) and with priority fields (5 bytes), around the one-byte block 0x82.
        byte[] payload = [2, 0, 0, 0, 1, 16, 0x82, 0, 0];
        var header = new Http2FrameHeader(payload.Length, Http2FrameType.Headers, Http2FrameFlags.Padded | Http2FrameFlags.Priority | Http2FrameFlags.EndHeaders, 1);

        Assert.Equal([0x82], Http2Frames.ContentOf(header, new ReadOnlySequence<byte>(payload)).ToArray());

        var overPadded = header with { Flags = Http2FrameFlags.Padded };
        byte[] tooMuch = [9, 1, 2];
        var error = Assert.Throws<Http2ProtocolException>(() => Http2Frames.ContentOf(overPadded, new ReadOnlySequence<byte>(tooMuch)));
        Assert.Equal(Http2ErrorCode.ProtocolError, error.ErrorCode);
    }

    [Fact]
    public void Control_frames_read_back_as_written()
    {
        var output = new ArrayBufferWriter<byte>();
        Http2Frames.WriteWindowUpdate(output, 7, 1_000_000);
        Http2Frames.WriteRstStream(output, 7, Http2ErrorCode.Cancel);
        Http2Frames.WriteGoAway(output, 9, Http2ErrorCode.EnhanceYourCalm, "slow down");
        Http2Frames.WriteSettingsAck(output);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.True(Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out var header, out var payload));
        Assert.Equal((Http2FrameType.WindowUpdate, 7, 1_000_000), (header.Type, header.StreamId, Http2Frames.ReadWindowUpdate(payload)));
        Assert.True(Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out header, out payload));
        Assert.Equal((Http2FrameType.RstStream, Http2ErrorCode.Cancel), (header.Type, Http2Frames.ReadRstStream(payload)));
        Assert.True(Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out header, out payload));
        Assert.Equal((9, Http2ErrorCode.EnhanceYourCalm), Http2Frames.ReadGoAway(payload));
        Assert.Equal("slow down"u8.ToArray(), payload.Slice(8).ToArray());
        Assert.True(Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out header, out _));
        Assert.Equal(new Http2FrameHeader(0, Http2FrameType.Settings, Http2FrameFlags.Ack, 0), header);
    }

    [Fact]
    public void A_control_frame_of_the_wrong_length_is_a_frame_size_error()
    {
        var error = Assert.Throws<Http2ProtocolException>(() => Http2Frames.ReadPing(new ReadOnlySequence<byte>(new byte[7])));

        Assert.Equal(Http2ErrorCode.FrameSizeError, error.ErrorCode);
    }

    [Fact]
    public void Settings_apply_and_report_the_change_of_the_initial_window()
    {
        var output = new ArrayBufferWriter<byte>();
        Http2Frames.WriteSettings(output, [new(Http2SettingId.InitialWindowSize, 1_048_576), new(Http2SettingId.MaxConcurrentStreams, 100), new((Http2SettingId)99, 1)]);
        var settings = new Http2PeerSettings();

        var delta = settings.Apply(new ReadOnlySequence<byte>(output.WrittenMemory[9..]));

        Assert.Equal(1_048_576 - 65_535, delta);
        Assert.Equal((1_048_576, 100u, 16_384), (settings.InitialWindowSize, settings.MaxConcurrentStreams, settings.MaxFrameSize));
    }

    [Theory]
    [InlineData(Http2SettingId.InitialWindowSize, 0x8000_0000u, Http2ErrorCode.FlowControlError)]
    [InlineData(Http2SettingId.MaxFrameSize, 16_383u, Http2ErrorCode.ProtocolError)]
    [InlineData(Http2SettingId.MaxFrameSize, 16_777_216u, Http2ErrorCode.ProtocolError)]
    [InlineData(Http2SettingId.EnablePush, 2u, Http2ErrorCode.ProtocolError)]
    public void Settings_out_of_range_are_the_errors_the_RFC_names(Http2SettingId id, uint value, Http2ErrorCode expected)
    {
        var output = new ArrayBufferWriter<byte>();
        Http2Frames.WriteSettings(output, [new(id, value)]);

        var error = Assert.Throws<Http2ProtocolException>(() => new Http2PeerSettings().Apply(new ReadOnlySequence<byte>(output.WrittenMemory[9..])));

        Assert.Equal(expected, error.ErrorCode);
    }

    [Fact]
    public void A_settings_payload_not_in_sixes_is_a_frame_size_error()
    {
        var error = Assert.Throws<Http2ProtocolException>(() => new Http2PeerSettings().Apply(new ReadOnlySequence<byte>(new byte[7])));

        Assert.Equal(Http2ErrorCode.FrameSizeError, error.ErrorCode);
    }
}
