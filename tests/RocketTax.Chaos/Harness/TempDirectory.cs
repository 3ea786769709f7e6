namespace RocketTax.Chaos.Harness;

/// <summary>A fresh temp dir, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file a finished host still holds must not fail the test; the OS cleans temp dirs eventually.
        }
    }
}
