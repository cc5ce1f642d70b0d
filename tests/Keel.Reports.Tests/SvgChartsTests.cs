using System.Xml.Linq;

namespace Keel.Reports.Tests;

public sealed class SvgChartsTests
{
    private static readonly Point[] Rising = [new(0, 1), new(2, 3), new(5, 4)];

    [Fact]
    public void LineChart_ThreeSeries_OnePolylinePerSeriesWithAllPoints()
    {
        var series = new[] { new Series("a", Rising), new Series("b", [new(1, 2), new(3, 1)]), new Series("c", [new(4, 4)]) };
        var svg = Xml.Parse(SvgCharts.LineChart("t", "x", "y", series)).Root!;

        Assert.Equal(Xml.Svg + "svg", svg.Name);
        var lines = svg.ByClass("series-line").ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal([3, 2, 1], lines.Select(l => l.PolylinePoints().Count));
        Assert.Equal(3, svg.ByClass("legend-item").Count());
        Assert.Equal(3, lines.Select(l => (string?)l.Attribute("stroke")).Distinct().Count());
    }

    [Fact]
    public void LineChart_NonFinitePoints_SkippedAndCoordinatesFinite()
    {
        Point[] points = [new(0, 0), new(double.NaN, 1), new(1, double.PositiveInfinity), new(2, 2), new(double.NegativeInfinity, 0)];
        var markup = SvgCharts.LineChart("t", "x", "y", [new Series("s", points)]);
        var svg = Xml.Parse(markup).Root!;

        Assert.Equal(2, svg.ByClass("series-line").Single().PolylinePoints().Count);
        Assert.DoesNotContain("NaN", markup);
        Assert.DoesNotContain("Infinity", markup);
        Assert.DoesNotContain("∞", markup);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-3.7, 12.2)]
    [InlineData(60_000, 455_000)]
    [InlineData(0.0001, 0.0007)]
    [InlineData(5.0, 5.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(-1e-9, 1e9)]
    public void LineChart_AnyRange_TicksIncreaseAndCoverData(double min, double max)
    {
        var svg = Xml.Parse(SvgCharts.LineChart("t", "x", "y", [new Series("s", [new(min, max), new(max, min)])])).Root!;

        foreach (var axis in new[] { "x-axis", "y-axis" })
        {
            var ticks = svg.Ticks(axis);
            Assert.True(ticks.Count >= 2, $"{axis}: {ticks.Count} ticks");
            Assert.All(ticks.Zip(ticks.Skip(1)), p => Assert.True(p.First < p.Second, $"{axis}: {p.First} !< {p.Second}"));
            Assert.True(ticks[0] <= min && ticks[^1] >= max, $"{axis}: [{ticks[0]}, {ticks[^1]}] does not cover [{min}, {max}]");
        }
        var pts = svg.ByClass("series-line").Single().PolylinePoints();
        Assert.All(pts, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));
    }

    [Fact]
    public void LineChart_PointsInsidePlotArea()
    {
        var options = new ChartOptions { Width = 400, Height = 300 };
        var svg = Xml.Parse(SvgCharts.LineChart("t", "x", "y", [new Series("s", Rising)], options)).Root!;

        Assert.All(svg.ByClass("series-line").Single().PolylinePoints(),
            p => Assert.True(p.X > 0 && p.X < 400 && p.Y > 0 && p.Y < 300, $"{p} outside the chart"));
    }

    [Fact]
    public void LineChart_EmptyAndSinglePointSeries_RenderWithoutError()
    {
        var svg = Xml.Parse(SvgCharts.LineChart("t", "x", "y", [new Series("empty", []), new Series("one", [new(3, 3)])])).Root!;

        Assert.Equal(2, svg.ByClass("series-line").Count());
        Assert.Single(svg.Descendants(Xml.Svg + "circle"), c => c.Parent!.Name.LocalName == "svg");

        var none = Xml.Parse(SvgCharts.LineChart("t", "x", "y", [])).Root!;
        Assert.Single(none.ByClass("no-data"));
    }

    [Fact]
    public void LineChart_DiagonalReference_DrawsDashedLineAndSharesAxes()
    {
        var svg = Xml.Parse(SvgCharts.LineChart("ROC", "fpr", "tpr", [new Series("m", [new(0, 0), new(0.2, 0.7), new(1, 1)])],
            new ChartOptions { DiagonalReference = true })).Root!;

        var diagonal = svg.ByClass("diagonal").Single();
        Assert.NotNull(diagonal.Attribute("stroke-dasharray"));
        Assert.Equal(svg.Ticks("x-axis"), svg.Ticks("y-axis"));
        Assert.Equal([0.0, 1.0], new[] { svg.Ticks("x-axis")[0], svg.Ticks("x-axis")[^1] });
    }

    [Fact]
    public void ScatterChart_OneGroupPerSeriesWithOneDotPerFinitePoint()
    {
        var svg = Xml.Parse(SvgCharts.ScatterChart("t", "x", "y",
            [new Series("a", Rising), new Series("b", [new(1, double.NaN), new(2, 2)])])).Root!;

        var groups = svg.ByClass("series-points").ToList();
        Assert.Equal([3, 1], groups.Select(g => g.Elements(Xml.Svg + "circle").Count()));
    }

    [Fact]
    public void Charts_HostileText_EscapedAndWellFormed()
    {
        const string hostile = "<script>alert('x')</script> & \"q\" \u0001";
        var markups = new[]
        {
            SvgCharts.LineChart(hostile, hostile, hostile, [new Series(hostile, Rising), new Series("b", Rising)]),
            SvgCharts.ScatterChart(hostile, hostile, hostile, [new Series(hostile, Rising)]),
            SvgCharts.BarChart(hostile, [new BarDatum(hostile, 1)]),
            SvgCharts.Heatmap(hostile, [hostile], [hostile], [[1]]),
        };

        foreach (var markup in markups)
        {
            var svg = Xml.Parse(markup).Root!;
            Assert.DoesNotContain("<script", markup);
            Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName == "script");
            Assert.Contains(svg.Descendants(), e => e.Value.Contains("<script>alert('x')</script>"));
        }
    }

    [Fact]
    public void BarChart_LongLabel_TruncatedWithFullTextTooltip()
    {
        var label = new string('x', 120);
        var svg = Xml.Parse(SvgCharts.BarChart("t", [new BarDatum(label, 3), new BarDatum("short", 1)])).Root!;

        var text = svg.ByClass("bar-label").First();
        Assert.Equal(label, text.Element(Xml.Svg + "title")!.Value);
        Assert.EndsWith("…", text.Nodes().OfType<XText>().Single().Value);
        Assert.True(text.Nodes().OfType<XText>().Single().Value.Length < 60);
    }

    [Fact]
    public void BarChart_NaNValue_NoBarAndDash()
    {
        var svg = Xml.Parse(SvgCharts.BarChart("t", [new BarDatum("a", 0.8), new BarDatum("b", double.NaN), new BarDatum("c", -0.1)])).Root!;

        Assert.Equal(2, svg.ByClass("bar").Count());
        Assert.Equal(["0.8000", "—", "-0.1000"], svg.ByClass("bar-value").Select(v => v.Value));
    }

    [Fact]
    public void BarChart_Highlight_UsesAccentColourForThatBarOnly()
    {
        var svg = Xml.Parse(SvgCharts.BarChart("t", [new("a", 1), new("b", 2), new("c", 3)], new ChartOptions { Highlight = "b" })).Root!;

        var fills = svg.ByClass("bar").Select(b => (string)b.Attribute("fill")!).ToList();
        Assert.Equal(2, fills.Distinct().Count());
        Assert.Single(fills, f => f != fills[0]);
        Assert.Equal(fills[0], fills[2]);
    }

    [Fact]
    public void BarChart_Compact_NoAxesButTooltipPerBar()
    {
        var svg = Xml.Parse(SvgCharts.BarChart("t", [new("a", 0), new("b", 5), new("c", double.NaN)],
            new ChartOptions { Width = 120, Height = 30, Compact = true })).Root!;

        Assert.Empty(svg.ByClass("x-axis"));
        Assert.Equal(["a: 0", "b: 5", "c: —"], svg.ByClass("bar").Select(b => b.Element(Xml.Svg + "title")!.Value));
    }

    [Fact]
    public void Heatmap_ThreeClasses_NineCellsWithValuesInRowMajorOrder()
    {
        double[][] values = [[30, 2, 1], [3, 11, 0], [0, 0, 25]];
        var svg = Xml.Parse(SvgCharts.Heatmap("cm", ["a", "b", "c"], ["a", "b", "c"], values,
            new ChartOptions { RowAxisTitle = "actual", ColumnAxisTitle = "predicted" })).Root!;

        var cells = svg.ByClass("cell").ToList();
        Assert.Equal(9, cells.Count);
        Assert.Equal(["30", "2", "1", "3", "11", "0", "0", "0", "25"], svg.ByClass("cell-value").Select(t => t.Value));
        Assert.Equal("1", (string)cells[5].Attribute("data-row")!);
        Assert.Equal("2", (string)cells[5].Attribute("data-col")!);
        // The largest count is the darkest cell.
        Assert.Equal(cells.MinBy(c => (string)c.Attribute("fill")!), cells[0]);
    }

    [Fact]
    public void Heatmap_NaNCell_ShowsDash()
    {
        var svg = Xml.Parse(SvgCharts.Heatmap("h", ["r"], ["c1", "c2"], [[double.NaN, 0.25]])).Root!;

        Assert.Equal(["—", "0.2500"], svg.ByClass("cell-value").Select(t => t.Value));
    }

    [Fact]
    public void Heatmap_ShapeMismatch_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => SvgCharts.Heatmap("cm", ["a", "b"], ["a", "b"], [[1, 2]]));
        Assert.Contains("2 rows of 2", ex.Message);
    }

    [Fact]
    public void Charts_SameInput_SameOutput()
    {
        Series[] s = [new("a", Rising)];
        Assert.Equal(SvgCharts.LineChart("t", "x", "y", s), SvgCharts.LineChart("t", "x", "y", s));
    }
}
