namespace RocketTax.Bench.Tests;

/// <summary>How the bench reads a nats-server's version, which decides whether it can sync each write.</summary>
public sealed class NatsServerBinaryTests
{
    [Theory]
    [InlineData("nats-server: v2.10.27\n", "2.10.27")]
    [InlineData("nats-server: v2.9.10\n", "2.9.10")]
    [InlineData("nats-server: v2.11.0-RC.1\n", "2.11.0")]
    public void Version_is_read_from_the_servers_answer_to_version(string output, string expected) =>
        Assert.Equal(Version.Parse(expected), NatsServerBinary.ParseVersion(output));

    [Theory]
    [InlineData("")]
    [InlineData("Usage: nats-server [options]\n")]
    [InlineData("gnatsd: v1.4.1\n")]
    public void An_answer_without_a_nats_server_version_reads_as_none(string output) =>
        Assert.Null(NatsServerBinary.ParseVersion(output));

    [Theory]
    [InlineData("2.9.10", false)]
    [InlineData("2.10.0", true)]
    [InlineData("2.10.27", true)]
    [InlineData("3.0.0", true)]
    public void Sync_writes_need_2_10_or_later(string version, bool expected) =>
        Assert.Equal(expected, new NatsServerBinary("/usr/sbin/nats-server", Version.Parse(version)).HasSyncWrites);
}
