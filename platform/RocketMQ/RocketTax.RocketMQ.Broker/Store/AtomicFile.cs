namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// A file replaced atomically and durably: the new content goes to a temp file beside it, is fsynced, renamed over
/// it, and the directory is fsynced so that the rename, too, survives a power loss. A crash at any point leaves
/// either the old file or the new one, whole; a failure deletes the temp file and leaves the old one as it was.
/// </summary>
/// <remarks>
/// <para>
/// Without the first fsync a power loss can persist the rename before the data, leaving an empty or zero-filled file
/// under the old name; without the second the rename itself can be lost, bringing the old file back (after the
/// process may have acted on the new one, e.g. appended to it).
/// </para>
/// <para>
/// The temp file's name is fixed (<c>{path}.tmp</c>), so a crash leaves at most one behind, replaced by the next write;
/// writers of one path must therefore take turns, as every caller does under its own lock.
/// </para>
/// </remarks>
internal sealed class AtomicFile : IDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private readonly FileStream _stream;
    private bool _replaced;

    private AtomicFile(string path, UnixFileMode? unixCreateMode)
    {
        _path = Path.GetFullPath(path);
        _temporary = _path + ".tmp";
        try
        {
            // A temp file a crash left behind is deleted first, so the mode below applies to a file created now.
            File.Delete(_temporary);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (unixCreateMode is { } mode && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            _stream = new FileStream(_temporary, options);
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            throw Failed("creating the temp file", ex);
        }
    }

    /// <summary>Where the new content is written; it replaces the file at <see cref="Replace"/>.</summary>
    public Stream Stream => _stream;

    /// <summary>Replaces the file at <paramref name="path"/> with what <paramref name="write"/> writes.</summary>
    /// <param name="unixCreateMode">The new file's permissions (e.g. owner-only for a private key); the umask's default when null.</param>
    /// <exception cref="IOException">The file could not be replaced; it is left as it was.</exception>
    public static void Write(string path, Action<Stream> write, UnixFileMode? unixCreateMode = null)
    {
        using var file = Begin(path, unixCreateMode);
        file.WriteContent(write);
        file.Replace();
    }

    /// <summary>
    /// Starts replacing the file: write the new content with <see cref="WriteContent"/> (or to <see cref="Stream"/>), then
    /// call <see cref="Replace"/>.
    /// Disposing without replacing deletes the temp file. For a caller that must act between writing and replacing.
    /// </summary>
    public static AtomicFile Begin(string path, UnixFileMode? unixCreateMode = null) => new(path, unixCreateMode);

    /// <summary>Writes the new content with <paramref name="write"/>; a file error names the file it was to replace.</summary>
    /// <exception cref="IOException">Writing the temp file failed; the file keeps its previous content.</exception>
    public void WriteContent(Action<Stream> write)
    {
        try
        {
            write(_stream);
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            throw Failed("writing the temp file", ex);
        }
    }

    /// <summary>Fsyncs the new content, renames it over the file and fsyncs the directory.</summary>
    /// <exception cref="IOException">The file could not be replaced (when the directory's fsync failed, it was, but may not survive a power loss).</exception>
    public void Replace()
    {
        try
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            throw Failed("flushing the temp file to disk", ex);
        }

        try
        {
            File.Move(_temporary, _path, overwrite: true);
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            throw Failed("renaming the temp file over it", ex);
        }

        _replaced = true;
        try
        {
            DirectorySync.Flush(Path.GetDirectoryName(_path)!);
        }
        catch (IOException ex)
        {
            throw new IOException(
                $"Replaced '{_path}', but flushing its directory to disk failed ({ex.Message}): a power loss may bring the previous content back.", ex);
        }
    }

    /// <summary>Deletes the temp file unless it replaced the file.</summary>
    public void Dispose()
    {
        if (_replaced)
        {
            return;
        }

        // The error that got us here matters more than either of these, and the next write replaces the temp file anyway.
        try
        {
            _stream.Dispose(); // flushes what is buffered, which fails again after a failed write
        }
        catch (Exception ex) when (IsFileError(ex))
        {
        }

        try
        {
            File.Delete(_temporary);
        }
        catch (Exception ex) when (IsFileError(ex))
        {
        }
    }

    private static bool IsFileError(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private IOException Failed(string step, Exception ex) =>
        new($"Could not replace '{_path}' ({step} failed: {ex.Message}); the file keeps its previous content.", ex);
}
