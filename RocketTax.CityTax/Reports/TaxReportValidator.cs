using System.Text.RegularExpressions;

namespace RocketTax.CityTax.Reports;

/// <summary>Checks a posted report field by field, so a 400 answer names every bad field at once.</summary>
public static partial class TaxReportValidator
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;
    public const int MaxTitleLength = 200;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex CityCodePattern();

    /// <summary>The errors per field (empty when valid) and, when valid, the report to send.</summary>
    public static (Dictionary<string, string[]> Errors, TaxReport? Report) Validate(TaxReportRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Id is not null && !IdPattern().IsMatch(request.Id))
        {
            errors["id"] = ["The id must be 1 to 64 letters, digits, '-' or '_' (or left out to have one assigned)."];
        }

        if (request.CityCode is null || !CityCodePattern().IsMatch(request.CityCode))
        {
            errors["cityCode"] = ["The city code is required: 1 to 32 letters, digits, '-' or '_'."];
        }

        if (request.Year is not { } year || year < MinYear || year > MaxYear)
        {
            errors["year"] = [$"The year is required, from {MinYear} to {MaxYear}."];
        }

        if (request.Quarter is not { } quarter || quarter < 1 || quarter > 4)
        {
            errors["quarter"] = ["The quarter is required, from 1 to 4."];
        }

        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > MaxTitleLength)
        {
            errors["title"] = [$"The title is required, at most {MaxTitleLength} characters."];
        }

        if (request.TotalIncome is not { } income || income < 0)
        {
            errors["totalIncome"] = ["The total income is required and cannot be negative."];
        }

        if (request.TotalTax is not { } tax || tax < 0)
        {
            errors["totalTax"] = ["The total tax is required and cannot be negative."];
        }

        if (errors.Count > 0)
        {
            return (errors, null);
        }

        var report = new TaxReport(
            request.Id ?? Guid.NewGuid().ToString("N"), request.CityCode!, request.Year!.Value, request.Quarter!.Value,
            request.Title!, request.TotalIncome!.Value, request.TotalTax!.Value);
        return (errors, report);
    }
}
