namespace RocketTax.RocketMQ.Http2.Tests;

public sealed class Http2SendWindowTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Takes_what_is_there_without_waiting()
    {
        var window = new Http2SendWindow(100);

        Assert.Equal(60, await window.TakeAsync(60, TestContext.Current.CancellationToken));
        Assert.Equal(40, await window.TakeAsync(60, TestContext.Current.CancellationToken));
        Assert.Equal(0, window.Available);
    }

    [Fact]
    public async Task An_empty_window_waits_for_an_update()
    {
        var window = new Http2SendWindow(0);

        var take = window.TakeAsync(50, TestContext.Current.CancellationToken).AsTask();
        Assert.False(take.IsCompleted);
        window.Add(30);

        Assert.Equal(30, await take.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_window_shrunk_below_zero_waits_until_it_is_positive_again()
    {
        var window = new Http2SendWindow(10);
        window.Add(-20);

        var take = window.TakeAsync(5, TestContext.Current.CancellationToken).AsTask();
        window.Add(10);
        Assert.False(take.IsCompleted);
        window.Add(3);

        Assert.Equal(3, await take.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Abort_fails_the_waiting_and_every_later_take()
    {
        var window = new Http2SendWindow(0);
        var take = window.TakeAsync(1, TestContext.Current.CancellationToken).AsTask();

        window.Abort(new IOException("connection closed"));

        await Assert.ThrowsAsync<IOException>(() => take.WaitAsync(Patience, TestContext.Current.CancellationToken));
        window.Add(100);
        await Assert.ThrowsAsync<IOException>(async () => await window.TakeAsync(1, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_waiting_take_can_be_cancelled()
    {
        var window = new Http2SendWindow(0);
        using var cancel = new CancellationTokenSource();
        var take = window.TakeAsync(1, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Growing_past_2_to_the_31_is_a_flow_control_error()
    {
        var window = new Http2SendWindow(Http2Frames.MaxWindowSize);

        var error = Assert.Throws<Http2ProtocolException>(() => window.Add(1));

        Assert.Equal(Http2ErrorCode.FlowControlError, error.ErrorCode);
    }
}
