using Keel.Core;
using Keel.Core.Artifacts;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;

namespace Keel.Core.Tests;

public sealed class TableTests
{
    private static Table Sample() => new([
        new NumericColumn("x", [1, double.NaN, 3]),
        new StringColumn("c", ["a", null, "b"]),
    ]);

    [Fact]
    public void Take_RowsInGivenOrder_CopiesValues()
    {
        var t = Sample().Take([2, 0]);
        Assert.Equal(2, t.RowCount);
        Assert.Equal(3, ((NumericColumn)t["x"])[0]);
        Assert.Equal("a", ((StringColumn)t["c"])[1]);
    }

    [Fact]
    public void MissingCount_NaNAndNull_Counted()
    {
        var t = Sample();
        Assert.Equal(1, t["x"].MissingCount());
        Assert.Equal(1, t["c"].MissingCount());
        Assert.Equal("", t["x"].Format(1));
    }

    [Fact]
    public void Constructor_ColumnsOfDifferentLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Table([new NumericColumn("a", [1]), new NumericColumn("b", [1, 2])]));
        Assert.Throws<ArgumentException>(() => new Table([new NumericColumn("a", [1]), new NumericColumn("a", [2])]));
    }

    [Fact]
    public void Table_WithoutColumns_KeepsItsRowsThroughDropAndTake()
    {
        var none = Sample().Drop(["x", "c"]);

        Assert.Empty(none.Columns);
        Assert.Equal(Sample().RowCount, none.RowCount);
        Assert.Equal(2, none.Take([0, 0]).RowCount);
        Assert.Equal(5, new Table([], 5).RowCount);
        Assert.Throws<ArgumentException>(() => new Table([new NumericColumn("a", [1])], 2));
    }

    [Fact]
    public void Drop_NamedColumns_Removed()
    {
        var t = Sample().Drop(["x", "not-there"]);
        Assert.Equal(["c"], t.Columns.Select(c => c.Name));
        Assert.False(t.Contains("x"));
        Assert.Throws<KeyNotFoundException>(() => t["x"]);
    }

    [Fact]
    public void Format_DateTimeAndBoolean_Readable()
    {
        var d = new NumericColumn("d", [86400], ColumnType.DateTime);
        var b = new NumericColumn("b", [1], ColumnType.Boolean);
        Assert.Equal("1970-01-02T00:00:00Z", d.Format(0));
        Assert.Equal("true", b.Format(0));
    }
}

public sealed class ArtifactPathTests
{
    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("C:/x")]
    [InlineData("")]
    [InlineData("a/../../b")]
    public void Validate_EscapingOrMalformed_Throws(string path) =>
        Assert.Throws<ArgumentException>(() => ArtifactPath.Validate(path));

    [Fact]
    public void Validate_Backslashes_Normalised() => Assert.Equal("models/a.keelmodel", ArtifactPath.Validate("models\\a.keelmodel"));

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("../../etc/passwd", false)]
    [InlineData("abc", false)]
    public void IsSha256_OnlyLowerHex64(string s, bool expected) => Assert.Equal(expected, ArtifactPath.IsSha256(s));
}

public sealed class MetricCatalogTests
{
    [Theory]
    [InlineData(TaskKind.Binary, "auc")]
    [InlineData(TaskKind.Multiclass, "macro_f1")]
    [InlineData(TaskKind.Regression, "rmse")]
    public void DefaultFor_Task_IsAKnownMetricOfThatTask(TaskKind task, string expected)
    {
        Assert.Equal(expected, MetricCatalog.DefaultFor(task));
        Assert.Contains(task, MetricCatalog.Get(expected).Tasks);
    }

    [Fact]
    public void Directions_LossesAndErrorsLowerIsBetter()
    {
        foreach (var name in new[] { "log_loss", "brier", "rmse", "mae", "mape" }) Assert.False(MetricCatalog.Get(name).HigherIsBetter);
        Assert.True(MetricCatalog.Get("auc").IsBetter(0.9, 0.8));
        Assert.True(MetricCatalog.Get("rmse").IsBetter(1, 2));
    }

    [Fact]
    public void Get_Unknown_ThrowsInputErrorListingNames()
    {
        var e = Assert.Throws<KeelInputException>(() => MetricCatalog.Get("aucc"));
        Assert.Contains("auc", e.Message);
    }
}

public sealed class PredictionsTests
{
    [Fact]
    public void PredictedClassIndices_Ties_LowerIndexWins()
    {
        var p = new Predictions { Task = TaskKind.Multiclass, Classes = ["a", "b", "c"], Probabilities = [[0.2, 0.4, 0.4], [0.5, 0.5, 0], [0, 0, 1]] };
        Assert.Equal([1, 0, 2], p.PredictedClassIndices());
    }

    [Fact]
    public void EncodedLabelsTake_Rows_Selected()
    {
        var y = new EncodedLabels { Task = TaskKind.Binary, Classes = ["n", "y"], ClassIndices = [0, 1, 1, 0] };
        Assert.Equal([0, 1], y.Take([3, 2]).ClassIndices!);
    }
}

public sealed class ColumnNamesTests
{
    private static readonly string[] Penguins = ["Species", "Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"];

    [Theory]
    [InlineData("species", "Species")]                // case
    [InlineData("beak_length_mm", "Beak Length (mm)")] // spaces, punctuation and case
    [InlineData("Speceis", "Species")]                // two edits
    [InlineData("Islnd", "Island")]                   // one edit
    [InlineData("sx", "Sex")]                         // one edit in a short name
    [InlineData("Beak", null)]                        // a prefix of two columns: neither is meant
    [InlineData("weight", null)]                      // nothing close
    [InlineData("s", null)]                           // two edits from Sex, too many for so short a name
    public void Closest_NamesTheColumnMeantOrNone(string wanted, string? expected) =>
        Assert.Equal(expected, ColumnNames.Closest(wanted, Penguins));

    [Fact]
    public void Closest_TwoEquallyClose_NamesNeither()
    {
        Assert.Null(ColumnNames.Closest("ab", ["AB", "Ab"]));
        Assert.Null(ColumnNames.Closest("cat", ["bat", "hat"]));
    }

    [Fact]
    public void Hint_SuggestsThenLists_AndCutsAWideTableShort()
    {
        Assert.Equal("did you mean 'Species'? columns are: Species, Island, Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Body Mass (g), Sex",
            ColumnNames.Hint("species", Penguins));
        Assert.Equal("feature columns are: Island, Sex", ColumnNames.Hint("Weight", ["Island", "Sex"], "feature columns"));
        var wide = Enumerable.Range(0, 500).Select(i => $"x{i}").ToList();
        var hint = ColumnNames.Hint("y", wide);
        Assert.EndsWith("x38, x39, and 460 more", hint, StringComparison.Ordinal);
        Assert.StartsWith("columns are: x0, x1,", hint, StringComparison.Ordinal);
    }
}
