namespace RocketTax.Tests;

/// <summary>Finds processes that belong to a graph: their command line or environment names its data dir.</summary>
public static class LeftoverProcesses
{
    public static IReadOnlyList<string> Naming(string dataPath)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            var cmdline = Read(Path.Combine(dir, "cmdline"));
            if (cmdline.Contains(dataPath, StringComparison.Ordinal) || Read(Path.Combine(dir, "environ")).Contains(dataPath, StringComparison.Ordinal))
            {
                found.Add($"{pid}: {cmdline.Replace('\0', ' ')}");
            }
        }

        return found;
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty; // the process ended while we looked, or is not ours to read
        }
    }
}
