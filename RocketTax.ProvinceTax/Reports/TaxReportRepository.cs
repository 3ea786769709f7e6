using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace RocketTax.ProvinceTax.Reports;

/// <summary>The province's reports in SQLite, keyed by report id so that a redelivered message changes nothing.</summary>
public sealed class TaxReportRepository
{
    /// <summary>Traces the SQLite writes, so the dashboard shows where a report came to rest.</summary>
    public static readonly ActivitySource ActivitySource = new("RocketTax.ProvinceTax.Storage");

    private const string Columns = "id, city_code, year, quarter, title, total_income, total_tax, message_id, received_at";

    private readonly string _connectionString;

    public TaxReportRepository(IOptions<TaxReportsOptions> options, IHostEnvironment environment)
    {
        var path = Path.IsPathRooted(options.Value.DatabasePath) ? options.Value.DatabasePath : Path.Combine(environment.ContentRootPath, options.Value.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS tax_reports (
                id           TEXT PRIMARY KEY,
                city_code    TEXT NOT NULL,
                year         INTEGER NOT NULL,
                quarter      INTEGER NOT NULL,
                title        TEXT NOT NULL,
                total_income TEXT NOT NULL,
                total_tax    TEXT NOT NULL,
                message_id   TEXT NOT NULL,
                received_at  INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS tax_reports_period ON tax_reports (city_code, year, quarter);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Stores the report unless one with its id is stored already; true when it was new.</summary>
    public async Task<bool> TryAddAsync(StoredTaxReport report, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("INSERT tax_reports", ActivityKind.Client);
        activity?.SetTag("db.system.name", "sqlite");
        activity?.SetTag("db.operation.name", "INSERT");
        activity?.SetTag("db.collection.name", "tax_reports");
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT OR IGNORE INTO tax_reports ({Columns}) VALUES ($id, $city, $year, $quarter, $title, $income, $tax, $message, $at)";
        command.Parameters.AddWithValue("$id", report.Id);
        command.Parameters.AddWithValue("$city", report.CityCode);
        command.Parameters.AddWithValue("$year", report.Year);
        command.Parameters.AddWithValue("$quarter", report.Quarter);
        command.Parameters.AddWithValue("$title", report.Title);
        // Decimals as invariant text: SQLite's REAL would round tax amounts.
        command.Parameters.AddWithValue("$income", report.TotalIncome.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$tax", report.TotalTax.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$message", report.MessageId);
        command.Parameters.AddWithValue("$at", report.ReceivedAt.ToUnixTimeMilliseconds());
        var added = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        activity?.SetTag("rockettax.report.duplicate", !added);
        return added;
    }

    public async Task<StoredTaxReport?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM tax_reports WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<TaxReportPage> QueryAsync(TaxReportQuery query, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var count = connection.CreateCommand();
        await using var select = connection.CreateCommand();
        const string Where = "WHERE ($city IS NULL OR city_code = $city) AND ($year IS NULL OR year = $year) AND ($quarter IS NULL OR quarter = $quarter)";
        count.CommandText = $"SELECT COUNT(*) FROM tax_reports {Where}";
        select.CommandText = $"SELECT {Columns} FROM tax_reports {Where} ORDER BY received_at, id LIMIT $limit OFFSET $offset";
        foreach (var command in new[] { count, select })
        {
            command.Parameters.AddWithValue("$city", (object?)query.City ?? DBNull.Value);
            command.Parameters.AddWithValue("$year", (object?)query.Year ?? DBNull.Value);
            command.Parameters.AddWithValue("$quarter", (object?)query.Quarter ?? DBNull.Value);
        }

        select.Parameters.AddWithValue("$limit", pageSize);
        select.Parameters.AddWithValue("$offset", (long)(query.Page - 1) * pageSize);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        var items = new List<StoredTaxReport>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Read(reader));
        }

        return new TaxReportPage(query.Page, pageSize, total, items);
    }

    /// <summary>Totals per city and quarter; decimals are summed in .NET so no amount is rounded.</summary>
    public async Task<IReadOnlyList<TaxSummary>> SummarizeAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT city_code, year, quarter, total_income, total_tax FROM tax_reports ORDER BY city_code, year, quarter";
        var totals = new Dictionary<(string, int, int), TaxSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
            var income = decimal.Parse(reader.GetString(3), CultureInfo.InvariantCulture);
            var tax = decimal.Parse(reader.GetString(4), CultureInfo.InvariantCulture);
            totals[key] = totals.TryGetValue(key, out var sum)
                ? sum with { Reports = sum.Reports + 1, TotalIncome = sum.TotalIncome + income, TotalTax = sum.TotalTax + tax }
                : new TaxSummary(key.Item1, key.Item2, key.Item3, 1, income, tax);
        }

        return [.. totals.Values];
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static StoredTaxReport Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4),
        decimal.Parse(reader.GetString(5), CultureInfo.InvariantCulture), decimal.Parse(reader.GetString(6), CultureInfo.InvariantCulture),
        reader.GetString(7), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)));
}
