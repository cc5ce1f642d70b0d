
namespace Keel.Reports.Tests;

public sealed class MonitoringReportTests
{
    private static MonitoringReportModel Model(params (string Window, Dictionary<string, double> Figures)[] timeline) => new()
    {
        Title = "shop@champion",
        Reference = "shop:1 stored reference",
        Current = "shop-current.csv",
        Timeline = timeline.Select(t => (t.Window, (IReadOnlyDictionary<string, double>)t.Figures)).ToArray(),
    };

    [Fact]
    public void Render_LabelledWindows_PerformanceChartWithBandAndEstimate()
    {
        var html = MonitoringReport.Render(Model(
            ("2024-02", new() { ["auc"] = 0.81, ["auc_low"] = 0.78, ["auc_high"] = 0.84, ["estimated_auc"] = 0.80, ["drift_share"] = 0 }),
            ("2024-03", new() { ["auc"] = 0.52, ["auc_low"] = 0.48, ["auc_high"] = 0.56, ["estimated_auc"] = 0.79, ["drift_share"] = 0 })));
        Assert.Contains("auc per window, with its 95 % band", html);
        foreach (var series in new[] { "auc_low", "auc_high", "estimated_auc" }) Assert.Contains(series, html);
    }

    [Fact]
    public void Render_NoLabels_NoPerformanceChart()
    {
        var html = MonitoringReport.Render(Model(("2024-02", new() { ["drift_share"] = 0 }), ("2024-03", new() { ["drift_share"] = 0.5 })));
        Assert.DoesNotContain("with its 95 % band", html);
    }
}
