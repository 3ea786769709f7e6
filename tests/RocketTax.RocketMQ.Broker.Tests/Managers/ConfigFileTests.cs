using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Tests.Managers;

/// <summary>
/// Replacing a config file renames the file it replaces to the backup (no copy, so two fsyncs a write), and every state a
/// crash can leave on the way is one a load takes the newest durable content from.
/// </summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rockettax-config-").FullName;

    private string FilePath => Path.Combine(_directory, "state.json");

    private string BackupPath => FilePath + ".bak";

    private ConfigFile Config => new(FilePath, "the test loses its state", NullLogger.Instance);

    [Fact]
    public void The_replaced_file_itself_becomes_the_backup_rather_than_a_copy_of_it()
    {
        Config.Write(Writes("1"));
        var replacedAt = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(FilePath, replacedAt);

        Config.Write(Writes("2"));

        Assert.Equal("1", File.ReadAllText(BackupPath));
        Assert.Equal(replacedAt, File.GetLastWriteTimeUtc(BackupPath)); // a copy would be a file written now
        Assert.Equal("2", File.ReadAllText(FilePath));
        Assert.Equal([FilePath, BackupPath], Directory.GetFiles(_directory).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_write_whose_content_fails_leaves_the_file_and_its_backup_as_they_were()
    {
        Config.Write(Writes("1"));
        Config.Write(Writes("2"));

        Assert.Throws<InvalidOperationException>(() => Config.Write(_ => throw new InvalidOperationException("serialising failed")));

        Assert.Equal("2", File.ReadAllText(FilePath));
        Assert.Equal("1", File.ReadAllText(BackupPath));
        Assert.Equal("2", Load());
    }

    [Fact]
    public void A_write_the_disk_refuses_names_the_file_and_leaves_it_as_it_was()
    {
        Config.Write(Writes("1"));

        var thrown = Assert.Throws<IOException>(() => Config.Write(_ => throw new IOException("No space left on device")));

        Assert.Contains(FilePath, thrown.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", thrown.Message, StringComparison.Ordinal);
        Assert.Equal("1", Load());
    }

    /// <summary>
    /// The states the disk can hold when a write of "3" over "2" (backup "1") crashes: before the first rename; after it
    /// only (no file); after the second rename, with or without the first one durable.
    /// </summary>
    [Theory]
    [InlineData("2", "1", "2")]
    [InlineData(null, "2", "2")]
    [InlineData("3", "1", "3")]
    [InlineData("3", "2", "3")]
    public void Every_state_a_crash_during_a_write_leaves_loads_the_newest_durable_content(string? file, string backup, string loaded)
    {
        if (file is not null)
        {
            File.WriteAllText(FilePath, file);
        }

        File.WriteAllText(BackupPath, backup);

        Assert.Equal(loaded, Load());
        Assert.Equal(loaded, File.ReadAllText(FilePath));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string? Load() => Config.Load(stream => new StreamReader(stream, Encoding.UTF8).ReadToEnd());

    private static Action<Stream> Writes(string content) => stream => stream.Write(Encoding.UTF8.GetBytes(content));
}
