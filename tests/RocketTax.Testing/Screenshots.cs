namespace RocketTax.Testing;

/// <summary>Where browser tests save their screenshots: <c>ROCKETTAX_SCREENSHOTS</c> when set, else <c>TestResults/</c> of the run.</summary>
public static class Screenshots
{
    /// <summary>The path of screenshot <paramref name="name"/> (without extension); its directory exists.</summary>
    public static string PathFor(string name)
    {
        var directory = Environment.GetEnvironmentVariable("ROCKETTAX_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Directory.GetCurrentDirectory(), "TestResults");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}.png");
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
        return path;
    }
}
