using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data.Tests;

public sealed class LabelEncodingTests
{
    private static Table Sample(string name) => TableReader.Read(Samples.File(name), new ReadOptions()).Table;

    private static Table Strings(params string?[] values) => new([new StringColumn("y", values)]);

    private static Table Numbers(params double[] values) => new([new NumericColumn("y", values)]);

    [Fact]
    public void Encode_CreditData_IsBinaryWithMinorityBadPositive()
    {
        var info = LabelEncoding.Encode(Sample("credit_data.csv"), "Status", null, null, "credit_data.csv");

        Assert.Equal(TaskKind.Binary, info.Task);
        Assert.Equal(["good", "bad"], info.Labels.Classes);
        Assert.Equal(4454, info.Labels.Count);
        Assert.Equal(0, info.DroppedMissing);
        Assert.Equal(0, info.Labels.ClassIndices![0]); // the first row is "good"
    }

    [Fact]
    public void Encode_RegressionLabelWithInfinity_ThrowsNamingTheRow()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            LabelEncoding.Encode(Numbers(1.5, double.NaN, 2.5, double.PositiveInfinity), "y", TaskKind.Regression, null, "f.csv"));

        Assert.Contains("f.csv, label column 'y': data row 3 (0-based) holds", e.Message);
        Assert.Contains("finite number", e.Message);
    }

    [Fact]
    public void Encode_BinaryWithoutPositiveClass_MinorityIsPositiveTieSecondSorted()
    {
        Assert.Equal(["a", "b"], LabelEncoding.Encode(Strings("a", "b", "a"), "y", null, null, "f").Labels.Classes);
        Assert.Equal(["b", "a"], LabelEncoding.Encode(Strings("a", "b", "b"), "y", null, null, "f").Labels.Classes);
        Assert.Equal(["a", "b"], LabelEncoding.Encode(Strings("b", "a", "a", "b"), "y", null, null, "f").Labels.Classes);
    }

    [Fact]
    public void Encode_Penguins_IsMulticlassWithThreeSortedClassesAndDropsMissing()
    {
        var table = Sample("penguins.csv");
        var info = LabelEncoding.Encode(table, "Species", null, null, "penguins.csv");

        Assert.Equal(TaskKind.Multiclass, info.Task);
        Assert.Equal(["Adelie", "Chinstrap", "Gentoo"], info.Labels.Classes);
        Assert.Equal(table.RowCount - info.DroppedMissing, info.KeptRows.Length);
    }

    [Fact]
    public void Encode_AmesSalePrice_IsRegression()
    {
        var info = LabelEncoding.Encode(Sample("ames.csv"), "Sale_Price", null, null, "ames.csv");

        Assert.Equal(TaskKind.Regression, info.Task);
        Assert.Equal(2930, info.Labels.Values!.Length);
        Assert.Equal(215000, info.Labels.Values[0]);
        Assert.Null(info.Labels.ClassIndices!);
    }

    [Fact]
    public void Encode_MissingLabels_AreDroppedAndKeptRowsAreOriginalIndices()
    {
        var info = LabelEncoding.Encode(Strings("a", null, "b", "a", null), "y", null, null, "f.csv");

        Assert.Equal([0, 2, 3], info.KeptRows);
        Assert.Equal(2, info.DroppedMissing);
        Assert.Equal([0, 1, 0], info.Labels.ClassIndices!);
    }

    [Fact]
    public void Encode_PositiveClass_IsPutAtIndexOne()
    {
        var info = LabelEncoding.Encode(Strings("yes", "no", "yes"), "y", null, "no", "f.csv");

        Assert.Equal(["yes", "no"], info.Labels.Classes);
        Assert.Equal([0, 1, 0], info.Labels.ClassIndices!);
    }

    [Fact]
    public void Encode_NumericLabels_InferTaskByDistinctValuesAndSortNumerically()
    {
        Assert.Equal(TaskKind.Binary, LabelEncoding.Encode(Numbers(0, 1, 1, 0), "y", null, null, "f").Task);

        var multi = LabelEncoding.Encode(Numbers(10, 2, 1, 2), "y", null, null, "f");
        Assert.Equal(TaskKind.Multiclass, multi.Task);
        Assert.Equal(["1", "2", "10"], multi.Labels.Classes);
        Assert.Equal([2, 1, 0, 1], multi.Labels.ClassIndices!);

        Assert.Equal(TaskKind.Regression, LabelEncoding.Encode(Numbers(1.5, 2, 3), "y", null, null, "f").Task);
        Assert.Equal(TaskKind.Regression, LabelEncoding.Encode(Numbers(Enumerable.Range(0, 21).Select(i => (double)i).ToArray()), "y", null, null, "f").Task);
        Assert.Equal(TaskKind.Multiclass, LabelEncoding.Encode(Numbers(Enumerable.Range(0, 20).Select(i => (double)i).ToArray()), "y", null, null, "f").Task);
    }

    [Fact]
    public void Encode_NumericPositiveClass_MatchesByValue()
    {
        var info = LabelEncoding.Encode(Numbers(0, 1, 1), "y", TaskKind.Binary, "0.0", "f");
        Assert.Equal(["1", "0"], info.Labels.Classes);
    }

    [Fact]
    public void Encode_BooleanLabel_IsBinaryWithTruePositive()
    {
        var t = new Table([new NumericColumn("y", [1, 0, double.NaN], ColumnType.Boolean)]);
        var info = LabelEncoding.Encode(t, "y", null, null, "f");
        Assert.Equal(TaskKind.Binary, info.Task);
        Assert.Equal(["false", "true"], info.Labels.Classes);
    }

    [Fact]
    public void Encode_MissingColumn_NamesFileAndListsColumns()
    {
        var e = Assert.Throws<KeelInputException>(() => LabelEncoding.Encode(Strings("a"), "label", null, null, "data.csv"));
        Assert.Equal("data.csv: label column 'label' not found; columns are: y.", e.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(TaskKind.Multiclass)]
    public void Encode_OneClass_Throws(TaskKind? task)
    {
        var e = Assert.Throws<KeelInputException>(() => LabelEncoding.Encode(Strings("a", "a", null), "y", task, null, "d.csv"));
        Assert.StartsWith("d.csv, label column 'y': has only one class", e.Message);
    }

    [Fact]
    public void Encode_RegressionOnStrings_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => LabelEncoding.Encode(Strings("a", "b"), "y", TaskKind.Regression, null, "d.csv"));
        Assert.StartsWith("d.csv, label column 'y': task regression needs a numeric label", e.Message);
    }

    [Fact]
    public void Encode_BinaryWithThreeClasses_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => LabelEncoding.Encode(Strings("a", "b", "c"), "y", TaskKind.Binary, null, "d.csv"));
        Assert.StartsWith("d.csv, label column 'y': task binary needs exactly 2 classes, got 3", e.Message);
    }

    [Fact]
    public void Encode_UnknownPositiveClass_ThrowsListingValues()
    {
        var e = Assert.Throws<KeelInputException>(() => LabelEncoding.Encode(Strings("good", "bad"), "y", null, "Good", "d.csv"));
        Assert.Equal("d.csv, label column 'y': positive class 'Good' is not among the label values ('bad', 'good').", e.Message);
    }

    [Fact]
    public void Encode_AllMissing_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => LabelEncoding.Encode(Strings(null, null), "y", null, null, "d.csv"));
        Assert.Contains("every value is missing", e.Message);
    }
}
