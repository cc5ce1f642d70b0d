using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training.Featurization;

namespace Keel.Training.Tests;

/// <summary>Feature engineering transforms against scikit-learn 1.2 (Fixtures/features_sklearn.json, made by
/// Fixtures/make_features_fixture.py): fitted on the train rows, applied to the test rows.</summary>
public class FeatureEngineeringTests
{
    private const double Tolerance = 1e-9;
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "features_sklearn.json"))).RootElement;
    private static readonly int TrainRows = Fixture.GetProperty("n_train").GetInt32();
    private static readonly double[] X = Fixture.GetProperty("x").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();
    private static readonly string?[] Cat = Fixture.GetProperty("cat").EnumerateArray().Select(v => v.GetString()).ToArray();
    private static readonly int[] Y = Fixture.GetProperty("y").EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static Table Numeric(Range rows) => new([new NumericColumn("x", X[rows])]);
    private static Table Categorical(Range rows) => new([new StringColumn("cat", Cat[rows])]);
    private static Range Train => ..TrainRows;
    private static Range Test => TrainRows..;

    private static FeaturizerOptions With(string column, FeatureTransform transform) => new()
    {
        Engineering = new FeaturesSpec { Columns = new Dictionary<string, FeatureTransform> { [column] = transform } },
    };

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(double[] expected, IEnumerable<float> actual)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        // Features are floats: compare to float precision of the expected value.
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"row {i}: expected {expected[i]}, got {a[i]}");
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("median")]
    [InlineData("most_frequent")]
    [InlineData("constant")]
    public void Fit_Imputation_MatchesSimpleImputerWithIndicator(string strategy)
    {
        var expected = Fixture.GetProperty("impute").GetProperty(strategy);

        var state = Featurizer.Fit(Numeric(Train), With("x", new FeatureTransform { Impute = strategy, FillValue = 7 }));
        var rows = Featurizer.Transform(state, Numeric(Test));

        Assert.Equal(expected.GetProperty("fill").GetDouble(), state.Columns[0].Fill, Tolerance);
        Assert.Equal(["x", "x__missing"], state.FeatureNames);
        AssertClose(Doubles(expected.GetProperty("test")), rows.Select(r => r[0]));
        AssertClose(Doubles(expected.GetProperty("indicator")), rows.Select(r => r[1]));
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("minmax")]
    [InlineData("robust")]
    public void Fit_Scaling_MatchesScalerAfterMedianImputation(string scale)
    {
        var expected = Fixture.GetProperty("scale").GetProperty(scale);

        var state = Featurizer.Fit(Numeric(Train), With("x", new FeatureTransform { Scale = scale, MissingIndicator = false }));
        var rows = Featurizer.Transform(state, Numeric(Test));

        Assert.Equal(["x"], state.FeatureNames);
        AssertClose(Doubles(expected.GetProperty("test")), rows.Select(r => r[0]));
        if (expected.TryGetProperty("center", out var center))
        {
            Assert.Equal(center.GetDouble(), state.Columns[0].Center, Tolerance);
            Assert.Equal(expected.GetProperty("spread").GetDouble(), state.Columns[0].Spread, Tolerance);
        }
    }

    [Theory]
    [InlineData("quantile")]
    [InlineData("uniform")]
    public void Fit_Bins_MatchKBinsDiscretizerOrdinal(string strategy)
    {
        var expected = Fixture.GetProperty("bins").GetProperty(strategy);

        var state = Featurizer.Fit(Numeric(Train), With("x", new FeatureTransform { Bins = strategy, BinCount = 4, MissingIndicator = false }));

        var edges = Doubles(expected.GetProperty("edges"));
        Assert.Equal(edges[1..^1], state.Columns[0].BinEdges!.ToArray(), (a, b) => Math.Abs(a - b) < Tolerance);
        AssertClose(Doubles(expected.GetProperty("test")), Featurizer.Transform(state, Numeric(Test)).Select(r => r[0]));
        AssertClose(Doubles(expected.GetProperty("train")), Featurizer.Transform(state, Numeric(Train)).Select(r => r[0]));
    }

    [Fact]
    public void Fit_FixedBins_CutPointGoesToUpperBin()
    {
        var state = Featurizer.Fit(Numeric(Train), With("x", new FeatureTransform { Bins = "fixed", BinEdges = [2, 5], MissingIndicator = false }));

        var rows = Featurizer.Transform(state, new Table([new NumericColumn("x", [1, 2, 4.9, 5, 100, double.NegativeInfinity])]));

        Assert.Equal([0f, 1f, 1f, 2f, 2f, 0f], rows.Select(r => r[0]));
    }

    [Fact]
    public void Fit_OneHotMinFrequency_KeepsSameCategoriesAsOneHotEncoder()
    {
        var expected = Fixture.GetProperty("onehot");
        var floor = expected.GetProperty("min_frequency").GetInt32();

        var state = Featurizer.Fit(Categorical(Train), With("cat", new FeatureTransform { Encode = "onehot", MinFrequency = floor }));
        var rows = Featurizer.Transform(state, Categorical(Test));

        var kept = expected.GetProperty("kept").EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.Equal(kept, state.Columns[0].Categories!.Order(StringComparer.Ordinal));
        // scikit-learn's one "infrequent" column is Keel's "__other", which also takes values never seen in training.
        var names = expected.GetProperty("test").EnumerateArray()
            .Select(v => v.GetString()!.Replace("cat_infrequent_sklearn", "cat=__other", StringComparison.Ordinal).Replace("cat_", "cat=", StringComparison.Ordinal)).ToArray();
        Assert.Equal(names, rows.Select(r => state.FeatureNames[Array.IndexOf(r, 1f)]));
    }

    [Fact]
    public void Fit_HashEncoding_BucketsPlusMissingAndStableSlots()
    {
        var state = Featurizer.Fit(Categorical(Train), With("cat", new FeatureTransform { Encode = "hash", Buckets = 8 }));
        var rows = Featurizer.Transform(state, new Table([new StringColumn("cat", ["a", "a", null, "zzz"])]));

        Assert.Equal(9, state.FeatureNames.Count);
        Assert.Equal(rows[0], rows[1]);
        Assert.Equal(1f, rows[2][8]);
        Assert.All(rows, r => Assert.Equal(1f, r.Sum()));
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("2.0", 2.0)]
    public void FitTransform_TargetEncoding_MatchesHandDerivedTargetEncoder(string key, double? smoothing)
    {
        var expected = Fixture.GetProperty("target").GetProperty(key);
        var labels = new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = Y[Train] };

        var (state, trainRows) = Featurizer.FitTransform(Categorical(Train), With("cat", new FeatureTransform { Encode = "target", Smoothing = smoothing }), labels);
        var rows = Featurizer.Transform(state, Categorical(Test));

        var plan = state.Columns[0];
        Assert.Equal(["cat__target"], state.FeatureNames);
        Assert.Equal(expected.GetProperty("prior").GetDouble(), plan.Target!.Prior[0], Tolerance);
        foreach (var e in expected.GetProperty("encodings").EnumerateObject())
            Assert.Equal(e.Value.GetDouble(), plan.Target.Values[e.Name][0], Tolerance);
        AssertClose(Doubles(expected.GetProperty("test")), rows.Select(r => r[0]));
        var train = new float[trainRows.Width];
        var oof = Enumerable.Range(0, trainRows.RowCount).Select(r =>
        {
            trainRows.CopyRow(r, train);
            return train[0];
        }).ToArray();
        AssertClose(Doubles(expected.GetProperty("train_oof")), oof);
    }

    [Fact]
    public void Fit_ChangedTestRows_FittedStatisticsUnchanged()
    {
        var spec = new FeaturesSpec
        {
            ByType = new Dictionary<string, FeatureTransform>
            {
                ["numeric"] = new() { Impute = "mean", Scale = "robust" },
                ["categorical"] = new() { Encode = "target", Smoothing = 1 },
            },
            Crosses = [new FeatureCross("cat", "x", new FeatureTransform { Encode = "onehot" })],
        };
        var options = new FeaturizerOptions { Engineering = spec };
        var labels = new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = Y[Train] };
        Table All(double shift, string other) => new([
            new NumericColumn("x", X.Select((v, i) => i < TrainRows ? v : v * shift + 1000).ToArray()),
            new StringColumn("cat", Cat.Select((v, i) => i < TrainRows ? v : other).ToArray())]);
        var trainRows = Enumerable.Range(0, TrainRows).ToArray();

        var first = Featurizer.Fit(All(1, "a").Take(trainRows), options, labels);
        var second = Featurizer.Fit(All(-7, "zzz").Take(trainRows), options, labels);

        var json = new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        Assert.Equal(JsonSerializer.Serialize(first, json), JsonSerializer.Serialize(second, json));
        Assert.Equal(["x", "x__missing", "cat__target"], first.FeatureNames.Take(3));
        Assert.Contains("cat*x=__other", first.FeatureNames);
        Assert.Equal(["x", "cat"], first.InputSchema.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Transform_DateParts_ExtraPartsWhenChosen()
    {
        var t = new DateTimeOffset(2024, 8, 10, 14, 35, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var table = new Table([new NumericColumn("when", [t], ColumnType.DateTime)]);
        var options = new FeaturizerOptions
        {
            Engineering = new FeaturesSpec { ByType = new Dictionary<string, FeatureTransform> { ["datetime"] = new() { Parts = ["year", "quarter", "minute", "weekend"] } } },
        };

        var state = Featurizer.Fit(table, options);

        Assert.Equal(["when__year", "when__quarter", "when__minute", "when__weekend"], state.FeatureNames);
        Assert.Equal([2024f, 3f, 35f, 1f], Featurizer.Transform(state, table)[0]);
    }

    [Fact]
    public void ManifestFor_EngineeredFeaturizer_FormatVersion2ElseUnchanged1()
    {
        var header = new ModelHeader("linear", TaskKind.Binary, ["0", "1"], new Dictionary<string, string>());
        var plain = Featurizer.Fit(Numeric(Train), new FeaturizerOptions());
        var scaled = Featurizer.Fit(Numeric(Train), With("x", new FeatureTransform { Scale = "robust" }));

        Assert.Equal(1, Packaging.Manifest.For(header, plain.InputSchema, plain, null).FormatVersion);
        Assert.Equal(2, Packaging.Manifest.For(header, scaled.InputSchema, scaled, null).FormatVersion);
    }

    [Fact]
    public void ManifestFor_MondayFirstDayOfWeek_FormatVersion3()
    {
        var header = new ModelHeader("lightgbm", TaskKind.Binary, ["0", "1"], new Dictionary<string, string>());
        var when = new Table([new NumericColumn("When", [1.7e9, 1.8e9], ColumnType.DateTime)]);
        var weekday = Featurizer.Fit(when, new FeaturizerOptions());
        var hourOnly = Featurizer.Fit(when, new FeaturizerOptions { DateParts = new Dictionary<string, IReadOnlyList<string>> { ["When"] = ["hour"] } });

        // An older reader would count the day of week from Sunday and featurise differently, so it must refuse the package.
        Assert.Equal(3, Packaging.Manifest.For(header, weekday.InputSchema, weekday, null).FormatVersion);
        Assert.Equal(1, Packaging.Manifest.For(header, hourOnly.InputSchema, hourOnly, null).FormatVersion);
    }
}
