using System.Runtime.Versioning;
using System.Text;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>
/// Replacing a file atomically and durably: the new content replaces the old whole, a failed write leaves the old
/// content and no temp file, and the directory's fsync works where the broker runs.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rockettax-atomic-").FullName;

    private string FilePath => Path.Combine(_directory, "state.json");

    [Fact]
    public void The_new_content_replaces_the_old_and_no_temp_file_is_left()
    {
        AtomicFile.Write(FilePath, Writes("old content, longer than the new"));

        AtomicFile.Write(FilePath, Writes("new"));

        Assert.Equal("new", File.ReadAllText(FilePath));
        Assert.Equal([FilePath], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_writer_that_throws_leaves_the_old_content_and_no_temp_file()
    {
        AtomicFile.Write(FilePath, Writes("old"));

        var thrown = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(FilePath, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("serialising failed");
        }));

        Assert.Equal("serialising failed", thrown.Message);
        Assert.Equal("old", File.ReadAllText(FilePath));
        Assert.Equal([FilePath], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_failed_write_says_which_file_was_not_replaced()
    {
        AtomicFile.Write(FilePath, Writes("old"));

        var thrown = Assert.Throws<IOException>(() => AtomicFile.Write(FilePath, _ => throw new IOException("No space left on device")));

        Assert.Contains(FilePath, thrown.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", thrown.Message, StringComparison.Ordinal);
        Assert.Equal("old", File.ReadAllText(FilePath));
        Assert.Equal([FilePath], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_replacement_abandoned_before_it_replaced_the_file_leaves_the_old_content_and_no_temp_file()
    {
        AtomicFile.Write(FilePath, Writes("old"));

        using (var replacement = AtomicFile.Begin(FilePath))
        {
            replacement.Stream.Write("new"u8);
            Assert.Equal("old", File.ReadAllText(FilePath));
        }

        Assert.Equal("old", File.ReadAllText(FilePath));
        Assert.Equal([FilePath], Directory.GetFiles(_directory));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_temp_file_left_by_a_crash_is_replaced_and_the_requested_permissions_apply()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        File.WriteAllText(FilePath + ".tmp", "torn");
        File.SetUnixFileMode(FilePath + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        AtomicFile.Write(FilePath, Writes("secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal("secret", File.ReadAllText(FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.Equal([FilePath], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_directory_is_fsynced_without_error_on_Linux_and_a_missing_one_is_reported_by_name()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The broker fsyncs directories on Linux and macOS");

        DirectorySync.Flush(_directory);

        var missing = Path.Combine(_directory, "missing");
        var thrown = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
        Assert.Contains(missing, thrown.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Action<Stream> Writes(string content) => stream => stream.Write(Encoding.UTF8.GetBytes(content));
}
