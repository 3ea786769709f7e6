namespace RocketTax.RocketMQ.Remoting;

/// <summary>An account of a broker's ACL file, as a remoting client signs its requests with it (see <see cref="RemotingSignature"/>).</summary>
/// <param name="SecurityToken">Sent and signed when set; brokers with a plain ACL file ignore it.</param>
public sealed record RemotingCredentials(string AccessKey, string SecretKey, string? SecurityToken = null)
{
    /// <summary>Credentials from an access key and secret key given both or neither; throws <see cref="ArgumentException"/> when one is missing.</summary>
    public static RemotingCredentials? FromKeys(string? accessKey, string? secretKey) =>
        (string.IsNullOrEmpty(accessKey), string.IsNullOrEmpty(secretKey)) switch
        {
            (true, true) => null,
            (false, false) => new RemotingCredentials(accessKey!, secretKey!),
            _ => throw new ArgumentException("give both an access key and a secret key, or neither", string.IsNullOrEmpty(accessKey) ? nameof(accessKey) : nameof(secretKey)),
        };

    /// <summary>The secret stays out of logs and exception messages.</summary>
    public override string ToString() => $"RemotingCredentials {{ AccessKey = {AccessKey} }}";
}
