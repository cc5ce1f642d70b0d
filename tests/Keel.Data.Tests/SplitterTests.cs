using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Data.Tests;

public sealed class SplitterTests
{
    private const int N = 1000;

    /// <summary>Class per row: 70% class 0, 20% class 1, 10% class 2, interleaved.</summary>
    private static readonly int[] Classes = Enumerable.Range(0, N).Select(i => (i % 10) switch { < 7 => 0, < 9 => 1, _ => 2 }).ToArray();

    private static void AssertPartition(SplitResult r, int rowCount)
    {
        foreach (var part in new[] { r.Train, r.Validation, r.Test })
        {
            Assert.Equal(part.Order(), part);
        }
        var all = r.Train.Concat(r.Validation).Concat(r.Test).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, rowCount), all); // disjoint and covering
        Assert.NotEmpty(r.Train);
        Assert.NotEmpty(r.Test);
    }

    private static void AssertSizes(SplitResult r, int rowCount, double test, double validation)
    {
        Assert.InRange(r.Test.Length, rowCount * test - 1, rowCount * test + 1);
        var rest = rowCount - r.Test.Length;
        Assert.InRange(r.Validation.Length, rest * validation - 1, rest * validation + 1);
    }

    [Theory]
    [InlineData(SplitStrategy.Random)]
    [InlineData(SplitStrategy.Stratified)]
    public void Split_ShuffledStrategies_PartitionWithinOneRowOfFractions(SplitStrategy strategy)
    {
        var r = Splitter.Split(N, new SplitRequest { Strategy = strategy, TestFraction = 0.25, ValidationFraction = 0.1, StratifyBy = Classes });

        AssertPartition(r, N);
        AssertSizes(r, N, 0.25, 0.1);
    }

    [Theory]
    [InlineData(SplitStrategy.Random)]
    [InlineData(SplitStrategy.Stratified)]
    [InlineData(SplitStrategy.Group)]
    [InlineData(SplitStrategy.Predefined)]
    public void Split_SameSeed_SameResultAndOtherSeedDiffers(SplitStrategy strategy)
    {
        var groups = new StringColumn("g", Enumerable.Range(0, N).Select(i => (string?)("g" + i / 10)).ToArray());
        SplitRequest Request(int seed) => new()
        {
            Strategy = strategy, Seed = seed, StratifyBy = Classes, GroupColumn = groups,
            PredefinedTestRows = Enumerable.Range(0, 100).ToArray(),
        };

        var a = Splitter.Split(N, Request(7));
        var b = Splitter.Split(N, Request(7));
        var c = Splitter.Split(N, Request(8));

        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Validation, b.Validation);
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Train, c.Train);
    }

    [Fact]
    public void Split_Stratified_PreservesClassSharesInEverySplit()
    {
        var r = Splitter.Split(N, new SplitRequest { Strategy = SplitStrategy.Stratified, StratifyBy = Classes });

        foreach (var part in new[] { r.Train, r.Validation, r.Test })
        {
            for (var c = 0; c < 3; c++)
            {
                var expected = part.Length * Classes.Count(k => k == c) / (double)N;
                Assert.InRange(part.Count(i => Classes[i] == c), expected - 1, expected + 1);
            }
        }
    }

    [Fact]
    public void Split_StratifiedWithoutLabels_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => Splitter.Split(N, new SplitRequest { Strategy = SplitStrategy.Stratified }));
        Assert.Contains("split.strategy", e.Message);
    }

    [Fact]
    public void Split_Time_PutsNewestRowsInTestAndNextNewestInValidation()
    {
        // Times run backwards with ties, so ordering must use the time and then the row index.
        var times = Enumerable.Range(0, 100).Select(i => (double)((99 - i) / 2)).ToArray();
        var r = Splitter.Split(100, new SplitRequest { Strategy = SplitStrategy.Time, TimeColumn = new NumericColumn("t", times, ColumnType.DateTime) });

        AssertPartition(r, 100);
        Assert.Equal(Enumerable.Range(0, 20), r.Test);
        Assert.Equal(Enumerable.Range(20, 16), r.Validation);
        Assert.True(r.Train.Max(i => times[i]) < r.Validation.Min(i => times[i]));
        Assert.True(r.Validation.Max(i => times[i]) < r.Test.Min(i => times[i]));
    }

    [Fact]
    public void Split_TimeWithTenRowsPerDay_CutsBetweenDaysNearestTheFractions()
    {
        // 30 days of 10 rows: 23.5% is 70.5 test rows, so a cut by row count would split a day between validation and test.
        var day = 86_400.0;
        var times = Enumerable.Range(0, 300).Select(i => 1_600_000_000 + day * (i / 10)).ToArray();
        var r = Splitter.Split(300, new SplitRequest
        {
            Strategy = SplitStrategy.Time, TestFraction = 0.235, TimeColumn = new NumericColumn("t", times, ColumnType.DateTime),
        });

        AssertPartition(r, 300);
        Assert.True(r.Train.Max(i => times[i]) < r.Validation.Min(i => times[i]));
        Assert.True(r.Validation.Max(i => times[i]) < r.Test.Min(i => times[i]));
        Assert.Equal(70, r.Test.Length); // 229 -> the boundary at 230
        Assert.Equal(50, r.Validation.Length); // 230 - 46 = 184 -> the boundary at 180
    }

    [Fact]
    public void Split_TimeWithOneTime_ThrowsNamingTheColumn()
    {
        var e = Assert.Throws<KeelInputException>(() => Splitter.Split(3, new SplitRequest
        {
            Strategy = SplitStrategy.Time, TimeColumn = new NumericColumn("t", [5, 5, 5]), SourceName = "d.csv",
        }));
        Assert.StartsWith("d.csv: data.time_column 't': every row has the same time", e.Message);
    }

    [Fact]
    public void Split_TimeWithMissingTime_NamesRow()
    {
        var t = new NumericColumn("t", [1, double.NaN, 3]);
        var e = Assert.Throws<KeelInputException>(() =>
            Splitter.Split(3, new SplitRequest { Strategy = SplitStrategy.Time, TimeColumn = t, SourceName = "w.csv" }));
        Assert.StartsWith("w.csv: row 1 (0-based), column 't': the time is missing", e.Message);
    }

    [Fact]
    public void Split_TimeOnStringColumn_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            Splitter.Split(2, new SplitRequest { Strategy = SplitStrategy.Time, TimeColumn = new StringColumn("t", ["a", "b"]) }));
        Assert.Contains("data.time_column 't'", e.Message);
    }

    [Fact]
    public void Split_Group_KeepsEachGroupInOneSplitNearTheFractions()
    {
        var groups = new StringColumn("g", Enumerable.Range(0, N).Select(i => (string?)("g" + i % 50)).ToArray());
        var r = Splitter.Split(N, new SplitRequest { Strategy = SplitStrategy.Group, GroupColumn = groups });

        AssertPartition(r, N);
        var owner = new Dictionary<string, int>();
        foreach (var (part, k) in new[] { (r.Train, 0), (r.Validation, 1), (r.Test, 2) })
        {
            foreach (var row in part)
            {
                Assert.Equal(k, owner.TryGetValue(groups[row]!, out var seen) ? seen : owner[groups[row]!] = k);
            }
        }
        Assert.Equal(200, r.Test.Length); // groups of 20 rows reach 20% exactly
        Assert.Equal(160, r.Validation.Length);
    }

    [Fact]
    public void Split_GroupWithOneLargeGroup_StaysNearTheTestFractionForEverySeed()
    {
        // One group holds 60% of the rows; taking it for test would triple the test share.
        var groups = new StringColumn("g", Enumerable.Range(0, N).Select(i => (string?)(i < 600 ? "big" : "g" + i % 40)).ToArray());
        for (var seed = 1; seed <= 20; seed++)
        {
            var r = Splitter.Split(N, new SplitRequest { Strategy = SplitStrategy.Group, GroupColumn = groups, Seed = seed });

            AssertPartition(r, N);
            Assert.InRange(r.Test.Length, 190, 210);
            Assert.DoesNotContain(0, r.Test);
        }
    }

    [Fact]
    public void Split_GroupWithOneGroup_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            Splitter.Split(3, new SplitRequest { Strategy = SplitStrategy.Group, GroupColumn = new StringColumn("g", ["a", "a", "a"]) }));
        Assert.Contains("at least 2 groups", e.Message);
    }

    [Fact]
    public void Split_PredefinedRows_UsesThemAsTestAndCarvesStratifiedValidation()
    {
        var test = Enumerable.Range(0, N).Where(i => i % 5 == 0).Reverse().ToArray();
        var r = Splitter.Split(N, new SplitRequest
        {
            Strategy = SplitStrategy.Predefined, PredefinedTestRows = test, StratifyBy = Classes, ValidationFraction = 0.25,
        });

        AssertPartition(r, N);
        Assert.Equal(test.Order(), r.Test);
        Assert.Equal(200, r.Validation.Length);
        // Test rows are all class 0, so class 2 is 100 of the 800 remaining rows and 25 of the 200 validation rows.
        Assert.InRange(r.Validation.Count(i => Classes[i] == 2), 24, 26);
    }

    [Fact]
    public void Split_PredefinedColumn_AssignsByValueAndCarvesValidationWhenAbsent()
    {
        var withValidation = new StringColumn("s", ["train", "Valid", "test", " TEST ", "validation", "train"]);
        var r = Splitter.Split(6, new SplitRequest { Strategy = SplitStrategy.Predefined, PredefinedColumn = withValidation });
        Assert.Equal([0, 5], r.Train);
        Assert.Equal([1, 4], r.Validation);
        Assert.Equal([2, 3], r.Test);

        var withoutValidation = new StringColumn("s", Enumerable.Range(0, 20).Select(i => (string?)(i < 4 ? "test" : "train")).ToArray());
        var r2 = Splitter.Split(20, new SplitRequest { Strategy = SplitStrategy.Predefined, PredefinedColumn = withoutValidation });
        AssertPartition(r2, 20);
        Assert.Equal([0, 1, 2, 3], r2.Test);
        Assert.Equal(3, r2.Validation.Length); // round(16 * 0.2)
    }

    [Fact]
    public void Split_PredefinedColumnWithOtherValue_NamesRowAndValue()
    {
        var e = Assert.Throws<KeelInputException>(() => Splitter.Split(2, new SplitRequest
        {
            Strategy = SplitStrategy.Predefined, PredefinedColumn = new StringColumn("s", ["train", "holdout"]), SourceName = "d.csv",
        }));
        Assert.Equal("d.csv: row 1 (0-based), column 's': expected train, validation, valid or test, got 'holdout'.", e.Message);
    }

    [Fact]
    public void Split_PredefinedWithNeitherOrBoth_Throws()
    {
        Assert.Contains("split.predefined", Assert.Throws<KeelInputException>(() =>
            Splitter.Split(4, new SplitRequest { Strategy = SplitStrategy.Predefined })).Message);
    }

    [Fact]
    public void Split_PredefinedRowsCoveringEverything_ThrowsEmptyTrain()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            Splitter.Split(3, new SplitRequest { Strategy = SplitStrategy.Predefined, PredefinedTestRows = [0, 1, 2] }));
        Assert.Contains("train split is empty", e.Message);
    }

    [Theory]
    [InlineData(0.0, 0.2, "split.test_fraction")]
    [InlineData(1.0, 0.2, "split.test_fraction")]
    [InlineData(double.NaN, 0.2, "split.test_fraction")]
    [InlineData(0.2, 1.0, "split.validation_fraction")]
    [InlineData(0.2, -0.1, "split.validation_fraction")]
    public void Split_FractionOutOfRange_NamesField(double test, double validation, string field)
    {
        var e = Assert.Throws<KeelInputException>(() =>
            Splitter.Split(10, new SplitRequest { Strategy = SplitStrategy.Random, TestFraction = test, ValidationFraction = validation }));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Split_ZeroValidationFraction_LeavesValidationEmpty()
    {
        var r = Splitter.Split(10, new SplitRequest { Strategy = SplitStrategy.Random, ValidationFraction = 0 });
        Assert.Empty(r.Validation);
        Assert.Equal(8, r.Train.Length);
    }

    [Fact]
    public void Split_TwoRows_StillGivesNonEmptyTrainAndTest()
    {
        var r = Splitter.Split(2, new SplitRequest { Strategy = SplitStrategy.Random, TestFraction = 0.01 });
        Assert.Equal((1, 1), (r.Train.Length, r.Test.Length));
        Assert.Throws<KeelInputException>(() => Splitter.Split(1, new SplitRequest { Strategy = SplitStrategy.Random }));
    }
}
