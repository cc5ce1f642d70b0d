using Keel.Core;
using Keel.Core.Data;
using Keel.Training.Featurization;

namespace Keel.Training.Tests;

public class FeaturizerTests
{
    private static readonly FeaturizerOptions Defaults = new();

    [Fact]
    public void Fit_NumericWithMissing_ImputesTrainMedianAndAddsIndicator()
    {
        var train = new Table([new NumericColumn("Income", [1, double.NaN, 3, 10])]);
        var test = new Table([new NumericColumn("Income", [double.NaN, 7])]);

        var state = Featurizer.Fit(train, Defaults);
        var rows = Featurizer.Transform(state, test);

        Assert.Equal(["Income", "Income__missing"], state.FeatureNames);
        Assert.Equal([3f, 1f], rows[0]);
        Assert.Equal([7f, 0f], rows[1]);
    }

    [Fact]
    public void Fit_NumericWithInfinities_FiniteMedianAndInfinitiesBecomeTrainExtremes()
    {
        var train = new Table([new NumericColumn("Income", [1, double.PositiveInfinity, 3, double.NegativeInfinity, 10, double.NaN])]);
        var test = new Table([new NumericColumn("Income", [double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e300])]);

        var state = Featurizer.Fit(train, Defaults);
        var rows = Featurizer.Transform(state, test);
        var standardised = Featurizer.Fit(train, Defaults with { Standardize = true });

        Assert.Equal(["Income", "Income__missing"], state.FeatureNames);
        Assert.Equal([10f, 0f], rows[0]);
        Assert.Equal([1f, 0f], rows[1]);
        Assert.Equal([3f, 1f], rows[2]);   // the median of the finite values 1, 3, 10
        Assert.Equal(float.MaxValue, rows[3][0]);
        Assert.All(standardised.Means!.Concat(standardised.Scales!), v => Assert.True(double.IsFinite(v)));
        Assert.All(Featurizer.Transform(standardised, train).SelectMany(r => r), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Fit_NumericWithoutMissing_NoIndicatorAndTestMissingGetsMedian()
    {
        var state = Featurizer.Fit(new Table([new NumericColumn("Age", [20, 30, 40, 50])]), Defaults);

        var rows = Featurizer.Transform(state, new Table([new NumericColumn("Age", [double.NaN])]));

        Assert.Equal(["Age"], state.FeatureNames);
        Assert.Equal(35f, rows[0][0]);
    }

    [Fact]
    public void Transform_CategoryOnlyInTest_MapsToOther()
    {
        var train = new Table([new StringColumn("Home", ["rent", "rent", "owner", "owner", "owner", "parents", null])]);
        var test = new Table([new StringColumn("Home", ["castle", "rent", null, "parents"])]);

        var state = Featurizer.Fit(train, Defaults);
        var rows = Featurizer.Transform(state, test);

        // "parents" was seen once in train: too rare for its own slot, so it joins "other" too.
        Assert.Equal(["Home=owner", "Home=rent", "Home=__other", "Home=__missing"], state.FeatureNames);
        Assert.Equal([0f, 0f, 1f, 0f], rows[0]);
        Assert.Equal([0f, 1f, 0f, 0f], rows[1]);
        Assert.Equal([0f, 0f, 0f, 1f], rows[2]);
        Assert.Equal([0f, 0f, 1f, 0f], rows[3]);
    }

    [Fact]
    public void Fit_CategoricalOverThreshold_HashesInto64BucketsPlusMissing()
    {
        var values = Enumerable.Range(0, 300).Select(i => (string?)$"id{i}").ToArray();
        var state = Featurizer.Fit(new Table([new StringColumn("Id", values)]), Defaults);

        var rows = Featurizer.Transform(state, new Table([new StringColumn("Id", ["id5", "never-seen"])]));

        Assert.Equal(65, state.FeatureNames.Count);
        Assert.All(rows, r => Assert.Equal(1f, r.Sum()));
        Assert.Equal(0f, rows[0][64]);
    }

    [Fact]
    public void Fit_TopCategoriesCapped_RestGoesToOther()
    {
        var values = Enumerable.Range(0, 60).SelectMany(i => Enumerable.Repeat((string?)$"c{i:D2}", 2 + i)).ToArray();
        var state = Featurizer.Fit(new Table([new StringColumn("C", values)]), Defaults);

        var rows = Featurizer.Transform(state, new Table([new StringColumn("C", ["c59", "c00"])]));

        Assert.Equal(52, state.FeatureNames.Count);
        Assert.Equal("C=c59", state.FeatureNames[0]);
        Assert.Equal(1f, rows[0][0]);
        Assert.Equal(1f, rows[1][50]);
    }

    [Fact]
    public void Transform_Text_LowercaseTokensL2Normalised()
    {
        var state = Featurizer.Fit(new Table([new StringColumn("Notes", ["a b", null], ColumnType.Text)]), Defaults);

        var rows = Featurizer.Transform(state, new Table([new StringColumn("Notes", ["Late late, PAID", "late", null], ColumnType.Text)]));

        Assert.Equal(256, state.FeatureNames.Count);
        Assert.Equal(1.0, Math.Sqrt(rows[0].Sum(v => v * v)), 5);
        Assert.Equal(2, rows[0].Count(v => v > 0));
        var lateBucket = Array.IndexOf(rows[1], 1f);
        Assert.Equal(2 / Math.Sqrt(5), rows[0][lateBucket], 5);
        Assert.All(rows[2], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Transform_DateTime_PartsAndUnixSeconds()
    {
        var t = new DateTimeOffset(2024, 3, 9, 14, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var state = Featurizer.Fit(new Table([new NumericColumn("When", [t, t], ColumnType.DateTime)]), Defaults);

        var row = Featurizer.Transform(state, new Table([new NumericColumn("When", [t], ColumnType.DateTime)]))[0];

        Assert.Equal(["When__year", "When__month", "When__day", "When__dayofweek", "When__dayofyear", "When__hour", "When__unix"], state.FeatureNames);
        // 2024-03-09 is a Saturday: 5 with Monday 0 (as pandas), so the weekend is one threshold away from the weekdays.
        Assert.Equal([2024f, 3f, 9f, 5f, 69f, 14f, (float)t], row);
    }

    [Fact]
    public void Transform_PlanSavedBeforeWeekStart_KeepsSundayFirstDayOfWeek()
    {
        var saturday = new DateTimeOffset(2024, 3, 9, 14, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var sunday = saturday + 86_400;
        var fitted = Featurizer.Fit(new Table([new NumericColumn("When", [saturday, sunday], ColumnType.DateTime)]), Defaults);
        // A package written before the option reads WeekStartsMonday as false and must featurise as it was trained.
        var old = fitted with { Columns = [fitted.Columns[0] with { WeekStartsMonday = false }] };
        var table = new Table([new NumericColumn("When", [saturday, sunday], ColumnType.DateTime)]);

        Assert.Equal([5f, 6f], Featurizer.Transform(fitted, table).Select(r => r[3]));
        Assert.Equal([6f, 0f], Featurizer.Transform(old, table).Select(r => r[3]));
    }

    [Fact]
    public void Transform_DatePartsOption_MakesOnlyTheChosenParts()
    {
        var t = new DateTimeOffset(2024, 3, 9, 14, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var options = Defaults with { DateParts = new Dictionary<string, IReadOnlyList<string>> { ["When"] = ["month", "hour"] } };
        var state = Featurizer.Fit(new Table([new NumericColumn("When", [t, t], ColumnType.DateTime)]), options);

        var row = Featurizer.Transform(state, new Table([new NumericColumn("When", [t], ColumnType.DateTime)]))[0];

        Assert.Equal(["When__month", "When__hour"], state.FeatureNames);
        Assert.Equal([3f, 14f], row);
    }

    [Fact]
    public void Fit_Standardize_TrainStatisticsGiveZeroMeanUnitVariance()
    {
        var train = new Table([new NumericColumn("X", [1, 2, 3, 4]), new NumericColumn("Const", [5, 5, 5, 5])]);

        var state = Featurizer.Fit(train, Defaults with { Standardize = true });
        var rows = Featurizer.Transform(state, train);

        Assert.Equal(0, rows.Average(r => r[0]), 5);
        Assert.Equal(1, Math.Sqrt(rows.Average(r => r[0] * r[0])), 5);
        Assert.All(rows, r => Assert.Equal(0f, r[1]));
    }

    [Fact]
    public void Transform_MissingColumn_ThrowsNamingIt()
    {
        var state = Featurizer.Fit(new Table([new NumericColumn("Age", [1, 2])]), Defaults);

        var e = Assert.Throws<KeelInputException>(() => Featurizer.Transform(state, new Table([new NumericColumn("Other", [1])])));

        Assert.Contains("'Age'", e.Message);
    }

    [Fact]
    public void Transform_WrongColumnKind_ThrowsNamingIt()
    {
        var state = Featurizer.Fit(new Table([new NumericColumn("Age", [1, 2])]), Defaults);

        var e = Assert.Throws<KeelInputException>(() => Featurizer.Transform(state, new Table([new StringColumn("Age", ["x"])])));

        Assert.Contains("'Age'", e.Message);
    }

    [Fact]
    public void Transform_ColumnsMatchedByNameNotPosition()
    {
        var train = new Table([new NumericColumn("A", [1, 2]), new NumericColumn("B", [10, 20])]);
        var state = Featurizer.Fit(train, Defaults);

        var row = Featurizer.Transform(state, new Table([new NumericColumn("B", [30]), new NumericColumn("Extra", [0]), new NumericColumn("A", [3])]))[0];

        Assert.Equal([3f, 30f], row);
    }
}
