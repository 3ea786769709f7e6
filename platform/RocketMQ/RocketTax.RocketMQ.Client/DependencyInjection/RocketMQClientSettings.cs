namespace RocketTax.RocketMQ.Client;

/// <summary>
/// The client's settings as configuration binds them (section <c>Aspire:RocketMQ:Client</c>); the endpoints
/// come from <c>ConnectionStrings:{name}</c> unless <see cref="ConnectionString"/> is set. Turned into the
/// validated option records when the client is created.
/// </summary>
public sealed class RocketMQClientSettings
{
    /// <summary>gRPC endpoints, <c>host:port;host:port</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Skip the <c>rocketmq_check</c> health check.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Do not register the client's activity source with OpenTelemetry.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Do not register the client's meter with OpenTelemetry.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>Request deadline; 3 s when unset.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>TLS on the connection.</summary>
    public bool UseTls { get; set; }

    /// <summary>Check the server certificate under TLS.</summary>
    public bool ValidateServerCertificate { get; set; } = true;

    /// <summary>The gRPC implementation (<c>GrpcNetClient</c> or <c>Native</c>); the options' default when unset.</summary>
    public GrpcTransport? Transport { get; set; }

    /// <summary>Access key for ACL-protected clusters.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret key for ACL-protected clusters.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Namespace of every resource.</summary>
    public string? Namespace { get; set; }

    /// <summary>Producer: topics to prepare at start; the first one is also the health check's topic.</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>The topic whose route the health check queries; defaults to the first topic or subscription.</summary>
    public string? HealthCheckTopic { get; set; }

    /// <summary>Push consumer: the consumer group.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>Push consumer: topic → filter expression, a tag expression (<c>*</c>, <c>a||b</c>) unless <see cref="SubscriptionFilterTypes"/> says SQL.</summary>
    public Dictionary<string, string> Subscriptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Push consumer: topic → how its <see cref="Subscriptions"/> expression is read, <c>Tag</c> (when absent) or <c>Sql</c>.</summary>
    public Dictionary<string, FilterExpressionType> SubscriptionFilterTypes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Push consumer: handlers running at once; 16 when unset.</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>The validated producer options these settings describe.</summary>
    public ProducerOptions ToProducerOptions()
    {
        var options = Apply(new ProducerOptions()) with { Topics = [.. Topics] };
        options.Validate();
        return options;
    }

    /// <summary>The validated push consumer options these settings describe.</summary>
    public PushConsumerOptions ToPushConsumerOptions()
    {
        // A type for a topic not subscribed is a typo that would leave the intended topic filtered by tag.
        if (SubscriptionFilterTypes.Keys.FirstOrDefault(topic => !Subscriptions.ContainsKey(topic)) is { } stray)
        {
            throw new ArgumentException(
                $"SubscriptionFilterTypes names topic '{stray}', which Subscriptions does not: give each type the topic of a subscription.",
                nameof(SubscriptionFilterTypes));
        }

        var options = Apply(new PushConsumerOptions()) with
        {
            ConsumerGroup = ConsumerGroup ?? string.Empty,
            Subscriptions = Subscriptions.ToDictionary(
                s => s.Key, s => new FilterExpression(s.Value, SubscriptionFilterTypes.GetValueOrDefault(s.Key, FilterExpressionType.Tag)), StringComparer.Ordinal),
        };
        if (MaxConcurrency is { } concurrency)
        {
            options = options with { MaxConcurrency = concurrency, MaxCachedMessages = Math.Max(options.MaxCachedMessages, concurrency) };
        }

        options.Validate();
        return options;
    }

    /// <summary>The topic the health check queries, if any.</summary>
    public string? CheckedTopic => HealthCheckTopic ?? Topics.FirstOrDefault() ?? Subscriptions.Keys.FirstOrDefault();

    private T Apply<T>(T options)
        where T : RocketMQClientOptions =>
        options with
        {
            Endpoints = ConnectionString ?? string.Empty,
            RequestTimeout = RequestTimeout ?? options.RequestTimeout,
            UseTls = UseTls,
            ValidateServerCertificate = ValidateServerCertificate,
            Transport = Transport ?? options.Transport,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            Namespace = Namespace ?? string.Empty,
        };
}
