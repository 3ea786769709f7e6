using System.Net;
using System.Text.Json;

namespace RocketTax.Tests;

/// <summary>
/// The Aspire dashboard's telemetry HTTP API: the spans of one trace as the dashboard holds them, read from its
/// OTLP JSON. The API wants the key the AppHost gave the dashboard (<see cref="GraphFixture.DashboardApiKey"/>).
/// </summary>
public sealed class DashboardTelemetry(Uri dashboard, string apiKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(dashboard.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every span of the trace the dashboard has so far; none while it knows no such trace.</summary>
    public Task<IReadOnlyList<DashboardSpan>> TraceAsync(string traceId, CancellationToken cancellationToken) =>
        SpansAsync($"/api/telemetry/traces/{traceId}", cancellationToken);

    /// <summary>The spans of the latest traces <paramref name="resource"/> took part in.</summary>
    public Task<IReadOnlyList<DashboardSpan>> TracesOfAsync(string resource, CancellationToken cancellationToken) =>
        SpansAsync($"/api/telemetry/traces?resource={Uri.EscapeDataString(resource)}&limit={TraceLimit}", cancellationToken);

    private const int TraceLimit = 1000;

    private async Task<IReadOnlyList<DashboardSpan>> SpansAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var spans = new List<DashboardSpan>();
        foreach (var resource in json.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = ServiceName(resource.GetProperty("resource"));
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    var parent = span.TryGetProperty("parentSpanId", out var p) && p.GetString() is { Length: > 0 } id ? id : null;
                    spans.Add(new DashboardSpan(
                        service, span.GetProperty("name").GetString()!, span.GetProperty("traceId").GetString()!, span.GetProperty("spanId").GetString()!, parent)
                    {
                        Attributes = span.TryGetProperty("attributes", out var attributes) ? Attributes(attributes) : new Dictionary<string, string>(),
                    });
                }
            }
        }

        return spans;
    }

    /// <summary>The attributes as text; an array's values joined by commas.</summary>
    private static Dictionary<string, string> Attributes(JsonElement attributes) =>
        attributes.EnumerateArray().ToDictionary(
            attribute => attribute.GetProperty("key").GetString()!,
            attribute => Text(attribute.GetProperty("value")));

    private static string Text(JsonElement value) =>
        value.TryGetProperty("arrayValue", out var array)
            ? string.Join(',', array.GetProperty("values").EnumerateArray().Select(Text))
            : value.EnumerateObject().Select(property => property.Value.ToString()).FirstOrDefault() ?? string.Empty;

    private static string ServiceName(JsonElement resource) =>
        resource.GetProperty("attributes").EnumerateArray()
            .Where(attribute => attribute.GetProperty("key").GetString() == "service.name")
            .Select(attribute => attribute.GetProperty("value").GetProperty("stringValue").GetString()!)
            .Single();

    public void Dispose() => _http.Dispose();
}

/// <summary>One span as the dashboard's API gives it: the service that reported it, its name, its trace, its id and its parent's.</summary>
public sealed record DashboardSpan(string Service, string Name, string TraceId, string SpanId, string? ParentSpanId)
{
    /// <summary>Its attributes, as text.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}
