using System.Text;
using System.Text.Json;
using CsCheck;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>
/// One fuzzed HTTP request to a tax service: a method, a route of the service with hostile path and query
/// values, and a body that is a tax report with hostile fields or no JSON at all.
/// </summary>
public sealed record HttpInput(int Method, int Route, string Value, string Field, int Number, int Literal, bool RawBody)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    // /send_s1_tax takes no input at all (it publishes the seed's 100 fixed reports), so it is not fuzzed.
    private static readonly string[] Routes =
    [
        "/api/tax-reports", "/api/tax-reports/{v}", "/api/tax-reports?city={v}&year={n}&quarter={n}&page={n}",
        "/api/outbox", "/api/summary?city={v}&year={n}", "/{v}", "/api/{v}/{v}", "/health", "/alive",
    ];

    private static readonly string[] NumberLiterals =
        ["0", "-1", "2021", "1", "5", "1e400", "-1e400", "79228162514264337593543950336", "0.000000000000000000000000000001", "\"12\"", "null", "true", "[]", "{}", "NaN"];

    public static readonly Gen<HttpInput> Gen = CsCheck.Gen.Select(
        CsCheck.Gen.Frequency((4, CsCheck.Gen.Const(1)), (4, CsCheck.Gen.Const(0)), (1, CsCheck.Gen.Int[0, Methods.Length - 1])),
        CsCheck.Gen.Int[0, Routes.Length - 1],
        HostileValues.String, HostileValues.String, HostileValues.Int,
        CsCheck.Gen.Int[0, NumberLiterals.Length - 1],
        CsCheck.Gen.Frequency((5, CsCheck.Gen.Const(false)), (1, CsCheck.Gen.Const(true))),
        (method, route, value, field, number, literal, rawBody) => new HttpInput(method, route, value, field, number, literal, rawBody));

    /// <summary>
    /// The request, or null when the in-process test client cannot express it: a lone surrogate in the URL, or
    /// a NUL in the path (the test server refuses it before the service sees it; Kestrel answers 400).
    /// </summary>
    public HttpRequestMessage? ToRequest()
    {
        if (Value.Contains('\0', StringComparison.Ordinal) && Routes[Route].Contains("/{v}", StringComparison.Ordinal))
        {
            return null;
        }

        string target;
        try
        {
            target = Routes[Route].Replace("{v}", Uri.EscapeDataString(Value), StringComparison.Ordinal)
                .Replace("{n}", Number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        catch (UriFormatException)
        {
            return null;
        }

        var request = new HttpRequestMessage(new HttpMethod(Methods[Method]), target);
        if (Methods[Method] is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent(RawBody ? Value : Report(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    public override string ToString() =>
        $"{Methods[Method]} {Routes[Route]} value '{Trim(Value)}' field '{Trim(Field)}' number {Number} literal {NumberLiterals[Literal]} raw body {RawBody}";

    private string Report()
    {
        var number = NumberLiterals[Literal];
        return $$"""
            {"id":{{JsonSerializer.Serialize(Field)}},"cityCode":{{JsonSerializer.Serialize(Value)}},"year":{{number}},"quarter":{{Number}},
             "title":{{JsonSerializer.Serialize(Value)}},"totalIncome":{{number}},"totalTax":{{Number}},{{JsonSerializer.Serialize(Field)}}:{{number}}}
            """;
    }

    private static string Trim(string text) => text.Length > 40 ? text[..40] + $"...({text.Length} chars)" : text;
}
