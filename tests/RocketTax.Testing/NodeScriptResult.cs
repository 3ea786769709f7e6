using System.Text.Json;

namespace RocketTax.Testing;

/// <summary>What a compat script printed: one JSON object per stdout line, and its stderr log.</summary>
public sealed record NodeScriptResult(IReadOnlyList<JsonElement> Lines, IReadOnlyList<string> StdErr)
{
    /// <summary>The value of <paramref name="property"/> in every line that has it, in print order.</summary>
    public IEnumerable<T> Values<T>(string property) =>
        Lines.Where(l => l.TryGetProperty(property, out _))
            .Select(l => l.GetProperty(property).Deserialize<T>(NodeCompat.Json)
                ?? throw new JsonException($"'{property}' is null in {l}"));

    /// <summary>The value of <paramref name="property"/> in the single line that has it.</summary>
    public T Single<T>(string property) => Values<T>(property).Single();
}
