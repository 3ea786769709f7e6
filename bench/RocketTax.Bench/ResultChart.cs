using ScottPlot;

namespace RocketTax.Bench;

/// <summary>Draws the throughput of each result as a horizontal bar (<c>results.png</c>, <c>compare.png</c>), so runs compare at a glance.</summary>
public static class ResultChart
{
    public static void Write(IReadOnlyList<ProduceResult> results, string path)
    {
        var plot = new Plot();
        // The first row at the top, as in the table.
        var positions = Enumerable.Range(0, results.Count).Select(i => (double)(results.Count - 1 - i)).ToArray();
        var bars = plot.Add.Bars(positions, results.Select(r => r.MessagesPerSecond).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks(positions, results.Select(r => $"{r.Scenario}\n{r.Setting}").ToArray());
        plot.Axes.Left.TickLabelStyle.FontSize = 11;
        plot.Axes.Margins(left: 0);
        plot.XLabel("messages per second");
        plot.Title("RocketTax.Bench results");
        plot.SavePng(path, 1400, 140 + 56 * results.Count);
    }
}
