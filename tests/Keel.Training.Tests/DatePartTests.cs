using Keel.Core.Data;
using Keel.Training.Featurization;

namespace Keel.Training.Tests;

public class DatePartTests
{
    [Fact]
    public void Transform_MinuteOfDayNamed_MinutesSinceMidnight()
    {
        var t = new DateTimeOffset(2001, 3, 9, 17, 55, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var options = new FeaturizerOptions { DateParts = new Dictionary<string, IReadOnlyList<string>> { ["When"] = ["hour", "minuteofday"] } };
        var state = Featurizer.Fit(new Table([new NumericColumn("When", [t, t], ColumnType.DateTime)]), options);

        var row = Featurizer.Transform(state, new Table([new NumericColumn("When", [t], ColumnType.DateTime)]))[0];

        Assert.Equal(["When__hour", "When__minuteofday"], state.FeatureNames);
        Assert.Equal([17f, 17 * 60 + 55f], row);
    }

    [Fact]
    public void Describe_DateTimeColumn_ImputedFillWrittenAsATime()
    {
        var t = new DateTimeOffset(2001, 3, 9, 17, 55, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var state = Featurizer.Fit(new Table([new NumericColumn("When", [t, t + 120, double.NaN], ColumnType.DateTime)]), new FeaturizerOptions());

        var steps = FeatureDescriptions.Describe(state).Single().Transforms;

        Assert.Equal("impute median (2001-03-09T17:56:00Z)", steps[0]);
    }

    [Fact]
    public void Fit_NoPartsNamed_MinuteOfDayNotMade()
    {
        var state = Featurizer.Fit(new Table([new NumericColumn("When", [0, 60], ColumnType.DateTime)]), new FeaturizerOptions());

        Assert.DoesNotContain("When__minuteofday", state.FeatureNames);
    }
}
