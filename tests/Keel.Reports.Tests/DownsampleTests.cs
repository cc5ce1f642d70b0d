using System.Text.RegularExpressions;

namespace Keel.Reports.Tests;

public sealed class DownsampleTests
{
    [Fact]
    public void Lttb_LongCurve_AtMostMaxPointsWithEndsAndCornerKept()
    {
        // A curve that rises to (500, 1) and stays flat: the corner is the shape that must survive.
        var points = Enumerable.Range(0, 10_000).Select(i => new Point(i, i <= 500 ? i / 500.0 : 1)).ToList();

        var kept = Downsample.Lttb(points, 100);

        Assert.Equal(100, kept.Count);
        Assert.Equal(points[0], kept[0]);
        Assert.Equal(points[^1], kept[^1]);
        Assert.Contains(kept, p => Math.Abs(p.X - 500) <= 100 && p.Y >= 0.8 && p.Y <= 1);
        Assert.Equal(kept.OrderBy(p => p.X), kept);
    }

    [Fact]
    public void Lttb_ShortCurve_Unchanged()
    {
        var points = new[] { new Point(0, 0), new Point(1, 1) };
        Assert.Same(points, Downsample.Lttb(points, 100));
    }

    [Fact]
    public void Render_HundredThousandRowTestSet_ReportSizeBounded()
    {
        static ReportModel WithCurves(int n)
        {
            var rng = new Random(5);
            // A realistic PR/ROC shape with noise: one point per distinct score, as scikit-learn's curves have.
            var roc = Enumerable.Range(0, n).Select(i => (double)i / (n - 1)).Select(x => new Point(x, Math.Min(1, Math.Sqrt(x) + rng.NextDouble() * 0.01))).ToList();
            var pr = Enumerable.Range(0, n).Select(i => (double)i / (n - 1)).Select(r => new Point(1 - r, 0.3 + 0.7 * r * r + rng.NextDouble() * 0.02)).ToList();
            var model = SampleReports.Binary();
            return model with { Candidates = model.Candidates.Select(c => c with { Roc = roc, PrecisionRecall = pr }).ToArray() };
        }

        var small = HtmlReport.Render(WithCurves(1_000));
        var large = HtmlReport.Render(WithCurves(100_000));

        Assert.True(large.Length < small.Length * 1.1, $"100k-row curves give {large.Length} characters, 1k-row curves {small.Length}");
        var polylinePoints = Regex.Matches(large, "points=\"([^\"]*)\"").Select(m => m.Groups[1].Value.Split(' ').Length);
        Assert.All(polylinePoints, n => Assert.True(n <= new ChartOptions().MaxLinePoints));
    }
}
