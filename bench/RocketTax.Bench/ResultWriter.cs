using System.Text.Json;

namespace RocketTax.Bench;

/// <summary>Appends each result to <c>results.jsonl</c> and rewrites <c>results.md</c> and its chart <c>results.png</c> from it.</summary>
public static class ResultWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static void Append(string directory, ProduceResult result)
    {
        Directory.CreateDirectory(directory);
        var jsonl = Path.Combine(directory, "results.jsonl");
        File.AppendAllText(jsonl, JsonSerializer.Serialize(result, Json) + "\n");
        var results = File.ReadAllLines(jsonl)
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<ProduceResult>(line, Json)!)
            .ToArray();
        File.WriteAllText(Path.Combine(directory, "results.md"), ProduceResult.MarkdownHeader + "\n" + string.Join("\n", results.Select(r => r.ToMarkdownRow())) + "\n");
        ResultChart.Write(results, Path.Combine(directory, "results.png"));
        Console.WriteLine($"results: {Path.GetFullPath(jsonl)}");
    }
}
