using System.Text.Json;

namespace RocketTax.Bench;

/// <summary>Appends each result to <c>results.jsonl</c> and rewrites <c>results.md</c> from it.</summary>
public static class ResultWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static void Append(string directory, ProduceResult result)
    {
        Directory.CreateDirectory(directory);
        var jsonl = Path.Combine(directory, "results.jsonl");
        File.AppendAllText(jsonl, JsonSerializer.Serialize(result, Json) + "\n");
        var rows = File.ReadAllLines(jsonl)
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<ProduceResult>(line, Json)!)
            .Select(r => r.ToMarkdownRow());
        File.WriteAllText(Path.Combine(directory, "results.md"), ProduceResult.MarkdownHeader + "\n" + string.Join("\n", rows) + "\n");
        Console.WriteLine($"results: {Path.GetFullPath(jsonl)}");
    }
}
