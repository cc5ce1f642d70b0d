namespace Keel.Reports.Tests;

public sealed class ParallelCoordinatesTests
{
    private static readonly ParallelAxis[] Axes = [new("lr", Log: true), new("booster", Choices: ["gbdt", "dart"]), new("auc")];

    [Fact]
    public void ParallelCoordinates_ThreeRows_OneLinePerRowBestDrawnLastGapForMissing()
    {
        double[][] rows = [[0.01, 0, 0.81], [0.1, double.NaN, 0.86], [0.3, 1, 0.79]];
        var markup = SvgCharts.ParallelCoordinates("t", Axes, rows);
        var lines = Xml.Parse(markup).Root!.ByClass("pc-line").Select(e => (string)e.Attribute("d")!).ToList();

        Assert.Equal(3, lines.Count);
        Assert.Equal(2, lines[^1].Count(c => c == 'M')); // the best row (0.86) is last and broken where booster is missing
        Assert.DoesNotContain("NaN", markup);
        Assert.Contains("dart", markup);
    }

    [Fact]
    public void ParallelCoordinates_NoRows_NoDataNote() =>
        Assert.Contains("no data", SvgCharts.ParallelCoordinates("t", Axes, []));
}
