using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using RocketTax.CityTax.Outbox;
using RocketTax.CityTax.Reports;

namespace RocketTax.TaxServices.Tests;

/// <summary>An outbox database written by a CityTax from before the trace column keeps working.</summary>
public sealed class OutboxMigrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rockettax-outbox-").FullName;

    [Fact]
    public async Task An_outbox_from_before_the_trace_column_keeps_its_reports_and_stores_traces_from_then_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "outbox.db");
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync(ct);
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE outbox (
                    report_id TEXT PRIMARY KEY, tag TEXT NOT NULL, body TEXT NOT NULL, accepted_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, claimed_until INTEGER, sent_at INTEGER,
                    message_id TEXT, broker_name TEXT, queue_id INTEGER, queue_offset INTEGER);
                INSERT INTO outbox (report_id, tag, body, accepted_at) VALUES ('old-1', '2021S1', '{"title":"old"}', 1);
                """;
            await create.ExecuteNonQueryAsync(ct);
        }

        var outbox = new OutboxStore(
            Options.Create(new TaxReportingOptions { OutboxPath = path }), new HostingEnvironment { ContentRootPath = _dir }, TimeProvider.System);

        var old1 = await outbox.FindAsync("old-1", ct);
        Assert.Equal("""{"title":"old"}""", old1!.Body);
        Assert.Null(old1.TraceParent);
        Assert.Equal(["old-1"], await outbox.PendingIdsAsync(10, ct));

        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Assert.True(await outbox.TryAcceptAsync(new OutboxEntry("new-1", "2021S2", "{}", DateTimeOffset.UtcNow) { TraceParent = traceParent }, ct));
        Assert.Equal(traceParent, (await outbox.FindAsync("new-1", ct))!.TraceParent);
        Assert.Equal(traceParent, (await outbox.TryClaimAsync("new-1", ct))!.TraceParent);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
