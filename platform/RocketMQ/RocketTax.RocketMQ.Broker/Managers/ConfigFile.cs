using System.Text.Json;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// A JSON file under <c>config/</c> holding what the broker must not forget (topics, consumer groups, consumer
/// offsets): replaced as an <see cref="AtomicFile"/>, its previous version renamed to <c>{file}.bak</c>, and read back
/// from that backup when the file is damaged or missing.
/// </summary>
/// <remarks>
/// A damaged file is moved aside to <c>{file}.damaged</c> once the backup loaded, so the operator can inspect it and
/// the next write does not turn it into the backup; the file is then rewritten from the backup at once, so the recovered
/// content is not held in one copy only until the next change. When neither copy is usable the broker refuses to start rather
/// than start without the file: forgetting topics, groups or offsets silently changes what consumers receive (see
/// <paramref name="lossIfStartedWithout"/>), while an operator who accepts that can delete both files.
/// </remarks>
/// <param name="path">The file.</param>
/// <param name="lossIfStartedWithout">What starting without the file would do, for the error that refuses to.</param>
/// <param name="logger">Where recovering from the backup is reported.</param>
internal sealed class ConfigFile(string path, string lossIfStartedWithout, ILogger logger)
{
    public string Path => path;

    public string BackupPath => path + ".bak";

    public string DamagedPath => path + ".damaged";

    /// <summary>
    /// Reads the file with <paramref name="read"/>, or its backup when it is damaged or missing; null when neither exists
    /// (a new broker). <paramref name="read"/> throws <see cref="JsonException"/> or <see cref="InvalidDataException"/>
    /// on content it cannot use.
    /// </summary>
    /// <exception cref="ConfigurationException">Neither the file nor its backup is usable.</exception>
    public T? Load<T>(Func<Stream, T> read) where T : class
    {
        Exception? damage = null;
        if (File.Exists(path))
        {
            try
            {
                return Read(path, read);
            }
            catch (Exception ex) when (IsDamage(ex))
            {
                damage = ex;
            }
        }

        if (!File.Exists(BackupPath))
        {
            return damage is null ? null : throw Unusable($"is damaged ({damage.Message}) and there is no backup '{BackupPath}'");
        }

        T previous;
        try
        {
            previous = Read(BackupPath, read);
        }
        catch (Exception ex) when (IsDamage(ex))
        {
            throw Unusable(damage is null
                ? $"is missing and its backup '{BackupPath}' is damaged ({ex.Message})"
                : $"is damaged ({damage.Message}) and so is its backup '{BackupPath}' ({ex.Message})");
        }

        if (damage is null)
        {
            RestoreFromBackup();
            logger.LogWarning(
                "{Path} is missing (a crash while it was being replaced leaves it so); loaded {Backup} and rewrote the file from it (delete both to start without them)",
                path, BackupPath);
        }
        else
        {
            File.Move(path, DamagedPath, overwrite: true);
            RestoreFromBackup();
            logger.LogWarning(
                "{Path} is damaged ({Error}); loaded its previous version from {Backup}, moved the damaged file to {Damaged} and rewrote the file from the backup",
                path, damage.Message, BackupPath, DamagedPath);
        }

        return previous;
    }

    /// <summary>
    /// Writes the backup's content as the file again, so the recovered data is held twice at once rather than in the backup
    /// alone until the next change (which would otherwise rename that only copy aside).
    /// </summary>
    private void RestoreFromBackup() => AtomicFile.Write(path, file =>
    {
        using var backup = File.OpenRead(BackupPath);
        backup.CopyTo(file);
    });

    /// <summary>Replaces the file with what <paramref name="write"/> writes; the file it replaces becomes the backup.</summary>
    /// <remarks>
    /// <para>
    /// The replaced file is renamed to the backup, not copied, so a write costs two fsyncs (the new content's, and the
    /// directory's, which makes both renames durable) rather than four. The new content is written before either rename,
    /// so a write that fails leaves the file as it was.
    /// </para>
    /// <para>
    /// A crash at any point leaves the newest durable content where <see cref="Load{T}"/> looks: before the first rename
    /// the file holds the previous content; after it the file may be missing, and Load takes the backup, which holds that
    /// same content; after the second rename but before the directory's fsync either rename may or may not have reached
    /// the disk, leaving the previous content in the file, or in the backup with no file, or the new content (fsynced
    /// before its rename) in the file.
    /// </para>
    /// </remarks>
    /// <exception cref="IOException">
    /// The file could not be replaced: it keeps its previous content or, when the failure came after the first rename, the
    /// backup does, where <see cref="Load{T}"/> finds it with no file beside it.
    /// </exception>
    public void Write(Action<Stream> write)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var replacement = AtomicFile.Begin(path);
        replacement.WriteContent(write);
        if (File.Exists(path))
        {
            File.Move(path, BackupPath, overwrite: true);
        }

        replacement.Replace();
    }

    private static T Read<T>(string file, Func<Stream, T> read)
    {
        using var stream = File.OpenRead(file);
        return read(stream);
    }

    private static bool IsDamage(Exception ex) => ex is JsonException or InvalidDataException or IOException;

    private ConfigurationException Unusable(string problem) => new(
        $"'{path}' {problem}. The broker does not start without it: {lossIfStartedWithout}. "
        + $"Restore the file, or delete it and '{BackupPath}' to start without it.");
}
