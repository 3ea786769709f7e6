using RocketTax.RocketMQ.Broker.Tests.Telemetry.Otlp;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>Spans, metrics and log records an <see cref="OtlpReceiver"/> got, each with its resource; tests await what they expect.</summary>
public sealed class OtlpInbox
{
    private readonly Lock _gate = new();
    private readonly List<(Resource Resource, Span Span)> _spans = [];
    private readonly List<(Resource Resource, Metric Metric)> _metrics = [];
    private readonly List<(Resource Resource, LogRecord Record)> _logs = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many export calls of any signal arrived.</summary>
    public int Exports { get; private set; }

    public void Add(ExportTraceServiceRequest request) => Add(() =>
        _spans.AddRange(request.ResourceSpans.SelectMany(r => r.ScopeSpans.SelectMany(s => s.Spans).Select(span => (r.Resource, span)))));

    public void Add(ExportMetricsServiceRequest request) => Add(() =>
        _metrics.AddRange(request.ResourceMetrics.SelectMany(r => r.ScopeMetrics.SelectMany(s => s.Metrics).Select(metric => (r.Resource, metric)))));

    public void Add(ExportLogsServiceRequest request) => Add(() =>
        _logs.AddRange(request.ResourceLogs.SelectMany(r => r.ScopeLogs.SelectMany(s => s.LogRecords).Select(log => (r.Resource, log)))));

    /// <summary>Waits until a span matches, or fails the test after <paramref name="timeout"/>.</summary>
    public Task<(Resource Resource, Span Span)> WaitForSpanAsync(Func<Span, bool> match, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForAsync(() => _spans.FirstOrDefault(s => match(s.Span)), s => s.Span is not null, "span", timeout, cancellationToken);

    /// <summary>Waits until a metric matches, or fails the test after <paramref name="timeout"/>.</summary>
    public Task<(Resource Resource, Metric Metric)> WaitForMetricAsync(Func<Metric, bool> match, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForAsync(() => _metrics.FirstOrDefault(m => match(m.Metric)), m => m.Metric is not null, "metric", timeout, cancellationToken);

    /// <summary>Waits until a log record matches, or fails the test after <paramref name="timeout"/>.</summary>
    public Task<(Resource Resource, LogRecord Record)> WaitForLogAsync(Func<LogRecord, bool> match, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForAsync(() => _logs.FirstOrDefault(l => match(l.Record)), l => l.Record is not null, "log record", timeout, cancellationToken);

    /// <summary>The names of everything received, for failure messages.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return $"{Exports} exports; spans: [{string.Join(", ", _spans.Select(s => s.Span.Name))}]; metrics: [{string.Join(", ", _metrics.Select(m => m.Metric.Name).Distinct())}]; {_logs.Count} log records";
        }
    }

    private void Add(Action append)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            append();
            Exports++;
            arrived = _arrived;
            _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    private async Task<T> WaitForAsync<T>(Func<T> find, Func<T, bool> found, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var result = find();
                if (found(result))
                {
                    return result;
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No matching {what} was exported within {timeout.TotalSeconds:0} s; received {Describe()}");
            }
        }
    }
}
