using Keel.Core.Data;

namespace Keel.Data.Tests;

public sealed class TableProfilerTests
{
    private static readonly Table Tiny = new([
        new NumericColumn("x", [1, 2, 3, 4, double.NaN]),
        new StringColumn("c", ["b", "a", "b", null, "c"]),
        new NumericColumn("f", [1, 0, 1, 1, double.NaN], ColumnType.Boolean),
        new NumericColumn("k", [5, 5, 5, 5, 5]),
    ]);

    [Fact]
    public void Profile_NumericColumn_GivesCountsMomentsMedianAndHistogram()
    {
        var p = TableProfiler.Profile(Tiny);
        var x = p.Columns[0];

        Assert.Equal(5, p.Rows);
        Assert.Equal((4, 1, 4), (x.Count, x.Missing, x.Distinct));
        Assert.Equal(2.5, x.Mean);
        Assert.Equal(Math.Sqrt(5.0 / 3), x.Std!.Value, 12);
        Assert.Equal((1.0, 4.0, 2.5), (x.Min!.Value, x.Max!.Value, x.Median!.Value));
        Assert.Equal(20, x.Histogram.Count);
        Assert.Equal(4, x.Histogram.Sum(b => b.Count));
        Assert.Equal(1, x.Histogram[0].Count);
        Assert.Equal(1.15, x.Histogram[0].Upper, 12);
        Assert.Equal(1, x.Histogram[^1].Count); // the maximum lands in the closed last bin
        Assert.Equal(4, x.Histogram[^1].Upper);
        Assert.Empty(x.TopValues);
    }

    [Fact]
    public void Profile_NumericColumnWithInfinities_StatisticsCoverFiniteValuesAndCountAll()
    {
        var t = new Table([new NumericColumn("x", [1, double.PositiveInfinity, 3, double.NegativeInfinity, double.NaN])]);
        var x = TableProfiler.Profile(t).Columns[0];

        Assert.Equal((4, 1, 2), (x.Count, x.Missing, x.Distinct));
        Assert.Equal((2.0, 1.0, 3.0), (x.Mean!.Value, x.Min!.Value, x.Max!.Value));
        Assert.Equal(2, x.Histogram.Sum(b => b.Count));
        Assert.All(x.Histogram, b => Assert.True(double.IsFinite(b.Lower) && double.IsFinite(b.Upper)));
    }

    [Fact]
    public void Profile_CategoricalColumn_GivesTopValuesByCountThenValue()
    {
        var c = TableProfiler.Profile(Tiny).Columns[1];

        Assert.Equal((4, 1, 3), (c.Count, c.Missing, c.Distinct));
        Assert.Equal([new CategoryCount("b", 2), new CategoryCount("a", 1), new CategoryCount("c", 1)], c.TopValues);
        Assert.Null(c.Mean);
        Assert.Empty(c.Histogram);
    }

    [Fact]
    public void Profile_BooleanColumn_GivesShareOfTrueAndTopValues()
    {
        var f = TableProfiler.Profile(Tiny).Columns[2];

        Assert.Equal(0.75, f.Mean);
        Assert.Equal([new CategoryCount("true", 3), new CategoryCount("false", 1)], f.TopValues);
    }

    [Fact]
    public void Profile_ConstantColumn_HasOneBinAndZeroStd()
    {
        var k = TableProfiler.Profile(Tiny).Columns[3];

        Assert.Equal(0, k.Std);
        Assert.Equal([new HistogramBin(5, 5, 5)], k.Histogram);
    }

    [Fact]
    public void Profile_TopValues_KeepsTen()
    {
        var values = Enumerable.Range(0, 15).Select(i => (string?)("v" + i)).ToArray();
        var p = TableProfiler.Profile(new Table([new StringColumn("s", values)]));
        Assert.Equal(10, p.Columns[0].TopValues.Count);
    }
}
