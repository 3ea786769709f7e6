using System.Buffers;

namespace RocketTax.RocketMQ.Http2.Tests;

public sealed class Http2HeaderBlockAssemblerTests
{
    [Fact]
    public void A_HEADERS_frame_with_END_HEADERS_is_its_own_block()
    {
        var assembler = new Http2HeaderBlockAssembler(1024);

        Assert.True(assembler.TryCompleteHeaders(Headers(1, Http2FrameFlags.EndHeaders), Bytes(0x82, 0x86), out var block));

        Assert.Equal([0x82, 0x86], block.ToArray());
    }

    [Fact]
    public void CONTINUATIONs_join_the_HEADERS_fragment_and_keep_its_END_STREAM()
    {
        var assembler = new Http2HeaderBlockAssembler(1024);
        Assert.False(assembler.TryCompleteHeaders(Headers(3, Http2FrameFlags.EndStream), Bytes(0x82), out _));
        Assert.False(assembler.TryCompleteContinuation(Continuation(3, Http2FrameFlags.None), Bytes(0x86), out _, out _, out _));

        Assert.True(assembler.TryCompleteContinuation(Continuation(3, Http2FrameFlags.EndHeaders), Bytes(0x84), out var block, out var streamId, out var endStream));

        Assert.Equal([0x82, 0x86, 0x84], block.ToArray());
        Assert.Equal((3, true), (streamId, endStream));
        assembler.Check(Headers(5, Http2FrameFlags.EndHeaders));
    }

    [Fact]
    public void Any_other_frame_inside_a_block_is_a_protocol_error()
    {
        var assembler = new Http2HeaderBlockAssembler(1024);
        Assert.False(assembler.TryCompleteHeaders(Headers(3, Http2FrameFlags.None), Bytes(0x82), out _));

        Assert.Equal(Http2ErrorCode.ProtocolError, Assert.Throws<Http2ProtocolException>(() => assembler.Check(Headers(5, Http2FrameFlags.EndHeaders))).ErrorCode);
        Assert.Equal(Http2ErrorCode.ProtocolError, Assert.Throws<Http2ProtocolException>(() => assembler.Check(Continuation(5, Http2FrameFlags.EndHeaders))).ErrorCode);
        assembler.Check(Continuation(3, Http2FrameFlags.EndHeaders));
    }

    [Fact]
    public void A_CONTINUATION_without_HEADERS_is_a_protocol_error()
    {
        var error = Assert.Throws<Http2ProtocolException>(
            () => new Http2HeaderBlockAssembler(1024).TryCompleteContinuation(Continuation(1, Http2FrameFlags.EndHeaders), Bytes(0x82), out _, out _, out _));

        Assert.Equal(Http2ErrorCode.ProtocolError, error.ErrorCode);
    }

    [Fact]
    public void A_block_over_the_limit_is_refused()
    {
        var assembler = new Http2HeaderBlockAssembler(3);
        Assert.False(assembler.TryCompleteHeaders(Headers(1, Http2FrameFlags.None), Bytes(1, 2), out _));

        var error = Assert.Throws<Http2ProtocolException>(
            () => assembler.TryCompleteContinuation(Continuation(1, Http2FrameFlags.EndHeaders), Bytes(3, 4), out _, out _, out _));

        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, error.ErrorCode);
    }

    private static Http2FrameHeader Headers(int streamId, Http2FrameFlags flags) => new(0, Http2FrameType.Headers, flags, streamId);

    private static Http2FrameHeader Continuation(int streamId, Http2FrameFlags flags) => new(0, Http2FrameType.Continuation, flags, streamId);

    private static ReadOnlySequence<byte> Bytes(params byte[] bytes) => new(bytes);
}
