using Grpc.Core;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>
/// Every network input of the broker fed hostile data: gRPC requests with hostile field values, raw HTTP/2
/// frames on the gRPC port, and remoting frames on the remoting port. No input may crash the broker (it
/// still answers a real send afterwards), hang a call or connection, or escape as an unhandled server error.
/// </summary>
public sealed class BrokerFuzzTests(BrokerFuzzFixture fixture) : IClassFixture<BrokerFuzzFixture>
{
    [Fact(Timeout = 300_000)]
    public async Task Hostile_gRPC_requests_get_a_status_and_never_crash_or_hang_the_broker()
    {
        var ct = TestContext.Current.CancellationToken;
        await FuzzRun.SampleAsync("gRPC requests", GrpcInput.Gen, async input =>
        {
            try
            {
                await input.CallAsync(fixture.Client, ct);
            }
            catch (RpcException ex) when (ex.StatusCode is not (StatusCode.Unknown or StatusCode.Internal or StatusCode.DeadlineExceeded or StatusCode.Unavailable))
            {
                // A transport-level refusal (e.g. RESOURCE_EXHAUSTED for a message over the gRPC size limit) is an answer.
            }
        });

        await fixture.AssertHealthyAsync(ct);
    }

    [Fact(Timeout = 300_000)]
    public async Task Raw_HTTP2_frames_on_the_gRPC_port_are_answered_or_closed_and_never_crash_the_broker()
    {
        var ct = TestContext.Current.CancellationToken;
        await FuzzRun.SampleAsync("HTTP/2 frames", Http2Input.Gen,
            async input => await RawConnection.ExchangeAsync(fixture.Broker.GrpcPort, input.Encode()),
            input => input.ToString());

        await fixture.AssertHealthyAsync(ct);
    }

    [Fact(Timeout = 300_000)]
    public async Task Remoting_frames_with_lying_lengths_and_hostile_headers_are_answered_or_closed()
    {
        var ct = TestContext.Current.CancellationToken;
        await FuzzRun.SampleAsync("remoting frames", RemotingInput.Gen,
            async input => await RawConnection.ExchangeAsync(fixture.Broker.ListenPort, input.Encode()),
            input => input.ToString());

        await fixture.AssertHealthyAsync(ct);
    }
}
