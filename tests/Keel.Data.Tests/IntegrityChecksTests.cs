using Keel.Core.Data;
using Keel.Data.Quality;

namespace Keel.Data.Tests;

public sealed class IntegrityChecksTests
{
    private static Table T(params Column[] columns) => new(columns);

    private static NumericColumn Num(string name, params double[] v) => new(name, v);

    private static StringColumn Str(string name, params string?[] v) => new(name, v);

    private static IReadOnlyList<Finding> Run(Table t, string? label = null) => IntegrityChecks.Run(t, label, new IntegrityOptions { LabelNoise = false });

    [Fact]
    public void Run_RepeatedRows_DuplicateRowsListsTheRepeats()
    {
        var t = T(Num("x", 1, 2, 1, 3, 2), Str("c", "a", "b", "a", "c", "b"));

        var f = Assert.Single(Run(t), f => f.Check == "duplicate_rows");

        Assert.Equal([2, 4], f.Rows);
        Assert.Contains("row 2 repeats row 0", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ConsecutiveWholeNumbersOncePerRow_RowNumberColumnButNotNearMisses()
    {
        var order = Enumerable.Range(0, 40).Select(i => (double)(i * 17 % 40 + 1)).ToArray(); // 1..40 shuffled
        double[] gap = [.. order[..39], 42];
        double[] repeat = [.. order[..39], order[0]];
        double[] half = [.. order[..39], 40.5];
        double[] y = [.. order.Select(v => v % 2)];
        var t = T(Num("id", order), Num("gap", gap), Num("repeat", repeat), Num("half", half), Num("short", order[..19]
            .Concat(Enumerable.Repeat(double.NaN, 21)).ToArray()), Num("y", y), Num("label_rank", order));

        var found = Run(t, "label_rank").Where(f => f.Check == "row_number_column").ToArray();

        var f = Assert.Single(found);
        Assert.Equal(["id"], f.Columns);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.StartsWith("column 'id' holds each whole number from 1 to 40 once", f.Message, StringComparison.Ordinal);
        Assert.False(IntegrityChecks.IsRowNumber(Num("few", [.. Enumerable.Range(0, 19).Select(i => (double)i)])));
        Assert.True(IntegrityChecks.IsRowNumber(Num("many", [.. Enumerable.Range(-5, 20).Select(i => (double)i)])));
    }

    [Fact]
    public void Run_SameFeaturesDifferentLabels_ConflictingLabelsNamesBothRows()
    {
        var t = T(Num("x", 1, 2, 1, 3), Str("y", "a", "b", "b", "a"));

        var f = Assert.Single(Run(t, "y"), f => f.Check == "conflicting_labels");

        Assert.Equal([0, 2], f.Rows);
    }

    [Fact]
    public void Run_ConstantAndNearConstantColumns_Found()
    {
        var near = Enumerable.Repeat(0.0, 200).ToArray();
        near[7] = 1;
        var t = T(new NumericColumn("k", Enumerable.Repeat(5.0, 200).ToArray()), new NumericColumn("n", near),
            new NumericColumn("ok", Enumerable.Range(0, 200).Select(i => i * 1.5).ToArray()));

        var findings = Run(t);

        Assert.Contains(findings, f => f.Check == "constant_column" && f.Columns.SequenceEqual(["k"]));
        Assert.Contains(findings, f => f.Check == "near_constant_column" && f.Columns.SequenceEqual(["n"]) && f.Severity == Severity.Info);
        Assert.DoesNotContain(findings, f => f.Columns.Contains("ok"));
    }

    [Fact]
    public void Run_NumbersAndWordsInOneColumn_MixedTypesNamesTheMinorityRows()
    {
        var values = Enumerable.Range(0, 50).Select(i => i % 10 == 3 ? "n/a-" + i : (i * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var f = Assert.Single(Run(T(Str("v", values))), f => f.Check == "mixed_types");

        Assert.Equal([3, 13, 23, 33, 43], f.Rows);
        Assert.Contains("45 number, 5 text", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CaseAndSpaceVariants_CategoryVariantsNamesThem()
    {
        var t = T(Str("home", "rent", "rent", "Rent", "own", " rent ", "own"));

        var f = Assert.Single(Run(t), f => f.Check == "category_variants");

        Assert.Equal([2, 4], f.Rows);
        Assert.Contains("'rent' (2), ", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SentinelValue_ExtremeOutlierFound()
    {
        var v = Enumerable.Range(0, 100).Select(i => 50.0 + i % 10).ToArray();
        v[42] = 999999;

        var f = Assert.Single(Run(T(new NumericColumn("income", v))), f => f.Check == "extreme_outliers");

        Assert.Equal([42], f.Rows);
        Assert.Contains("999999 in row 42", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RareClass_ClassImbalance()
    {
        var y = Enumerable.Range(0, 100).Select(i => i < 5 ? "fraud" : "ok").ToArray();
        var t = T(new NumericColumn("x", Enumerable.Range(0, 100).Select(i => (double)i).ToArray()), Str("y", y));

        var f = Assert.Single(Run(t, "y"), f => f.Check == "class_imbalance");

        Assert.Contains("'fraud' has 5 row(s) (5 %)", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FlippedLabelsOnSeparableData_LabelNoiseSuspectsAreTheFlippedRows()
    {
        var random = new Random(3);
        var x = Enumerable.Range(0, 400).Select(_ => random.NextDouble() * 10).ToArray();
        var y = x.Select(v => v < 5 ? "lo" : "hi").ToArray();
        int[] flipped = [11, 97, 203, 350];
        foreach (var r in flipped) y[r] = y[r] == "lo" ? "hi" : "lo";
        var t = T(new NumericColumn("x", x), new NumericColumn("x2", x.Select(v => v * 2 + 1).ToArray()), Str("y", y));

        var findings = IntegrityChecks.Run(t, "y", new IntegrityOptions());

        var f = Assert.Single(findings, f => f.Check == "label_noise_suspects");
        // Every flipped row is found; a row beside the class boundary (in the bin that straddles it) may join them.
        Assert.Subset(f.Rows.ToHashSet(), flipped.ToHashSet());
        Assert.InRange(f.RowCount, flipped.Length, flipped.Length + 2);
    }

    [Fact]
    public void Run_CleanSamples_NoErrorFindings()
    {
        foreach (var (file, label) in new[] { ("credit_data.csv", "Status"), ("penguins.csv", "Species"), ("ames.csv", "Sale_Price"), ("seattle-weather.csv", "weather") })
        {
            var table = TableReader.Read(Samples.File(file), new ReadOptions()).Table;
            Assert.DoesNotContain(IntegrityChecks.Run(table, label, new IntegrityOptions()), f => f.Severity == Severity.Error);
        }
    }
}
