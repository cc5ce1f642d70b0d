using System.IO.Compression;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training.MlNet;

namespace Keel.Training.Tests;

/// <summary>LightGBM's four categorical limits default by the training row count (<see cref="LightGbmOptions.LargeSetRows"/>).</summary>
public class CategoricalDefaultsTests
{
    private static readonly string[] Limits =
        ["maximum_categorical_split_point_count", "categorical_smoothing", "categorical_l2_regularization", "minimum_example_count_per_group"];

    private static readonly string[] LargeSet = ["64", "1", "1", "10"];
    private static readonly string[] LightGbmOwn = ["32", "10", "10", "100"];

    // 400 airport-like codes with a seeded effect each, plus a numeric noise column: a categorical column with many values.
    private static (TrainingData Train, Table Test) Codes(int rows, int seed)
    {
        var rng = new Random(seed);
        var effect = Enumerable.Range(0, 400).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        var code = new string?[rows + 1000];
        var noise = new double[rows + 1000];
        var y = new int[rows + 1000];
        for (var r = 0; r < code.Length; r++)
        {
            var k = rng.Next(effect.Length);
            code[r] = $"C{k:D3}";
            noise[r] = rng.NextDouble();
            y[r] = rng.NextDouble() < 1 / (1 + Math.Exp(-effect[k] - noise[r])) ? 1 : 0;
        }
        var table = new Table([new StringColumn("code", code), new NumericColumn("noise", noise)]);
        var labels = new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = y };
        int[] train = [.. Enumerable.Range(0, rows)], test = [.. Enumerable.Range(rows, 1000)];
        return (new TrainingData(table.Take(train), labels.Take(train)), table.Take(test));
    }

    private static ITrainer Create(Dictionary<string, string>? options = null) =>
        TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = options ?? Fast() }, TaskKind.Binary, 0);

    private static Dictionary<string, string> Fast() => new() { ["number_of_iterations"] = "5", ["number_of_threads"] = "1", ["early_stopping_rounds"] = "0" };

    private static string[] Recorded(IReadOnlyDictionary<string, string> p) => [.. Limits.Select(k => p[k])];

    // The effective params the model package stores (its header).
    internal static IReadOnlyDictionary<string, string> HeaderParams(IFittedModel model)
    {
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        using var zip = new ZipArchive(ms, ZipArchiveMode.Read);
        using var s = zip.GetEntry("manifest.json")!.Open();
        return JsonDocument.Parse(s).RootElement.GetProperty("effective_params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    [Fact]
    public void Fit_LargeSetRows_ModelHeaderRecordsLargeSetLimits()
    {
        var (train, _) = Codes(LightGbmOptions.LargeSetRows, seed: 21);

        var fit = Create().Fit(train, null, TestData.Context());

        Assert.Equal(LargeSet, Recorded(HeaderParams(fit.Model)));
    }

    [Fact]
    public void Fit_BelowLargeSetRows_ModelHeaderRecordsLightGbmLimits()
    {
        var (train, _) = Codes(5_000, seed: 22);

        var fit = Create().Fit(train, null, TestData.Context());

        Assert.Equal(LightGbmOwn, Recorded(HeaderParams(fit.Model)));
    }

    [Fact]
    public void ForTrainingRows_AroundTheThreshold_RecordsTheLimitsUsed()
    {
        var trainer = Create();

        // Unfixed, the params show LightGBM's own (a fit fixes them from its rows); a run fixes them from its training rows.
        Assert.Equal(LightGbmOwn, Recorded(trainer.EffectiveParams));
        Assert.Equal(LightGbmOwn, Recorded(trainer.ForTrainingRows(LightGbmOptions.LargeSetRows - 1).EffectiveParams));
        Assert.Equal(LargeSet, Recorded(trainer.ForTrainingRows(LightGbmOptions.LargeSetRows).EffectiveParams));
        Assert.Equal(LargeSet, Recorded(trainer.ForTrainingRows(3_000_000).EffectiveParams));
    }

    [Fact]
    public void ForTrainingRows_GivenLimits_WinOnLargeAndSmallSets()
    {
        var trainer = Create(new(Fast()) { ["maximum_categorical_split_point_count"] = "40", ["categorical_smoothing"] = "5" });

        Assert.Equal(["40", "5", "10", "100"], Recorded(trainer.ForTrainingRows(10).EffectiveParams));
        Assert.Equal(["40", "5", "1", "10"], Recorded(trainer.ForTrainingRows(LightGbmOptions.LargeSetRows).EffectiveParams));
    }

    [Fact]
    public void Fit_LargeSet_DefaultsTrainAsTheLargeSetOptionsGivenAndSameSeedIsIdentical()
    {
        var (train, test) = Codes(LightGbmOptions.LargeSetRows + 5_000, seed: 23);
        var given = new Dictionary<string, string>(Fast())
        {
            ["maximum_categorical_split_point_count"] = "64", ["categorical_smoothing"] = "1",
            ["categorical_l2_regularization"] = "1", ["minimum_example_count_per_group"] = "10",
        };
        var lightGbmOwn = new Dictionary<string, string>(Fast())
        {
            ["maximum_categorical_split_point_count"] = "32", ["categorical_smoothing"] = "10",
            ["categorical_l2_regularization"] = "10", ["minimum_example_count_per_group"] = "100",
        };
        double[] Predict(ITrainer t) => [.. t.Fit(train, null, TestData.Context()).Model.Predict(test).Probabilities!.Select(p => p[1])];

        var first = Predict(Create());
        var second = Predict(Create());

        Assert.Equal(first, second);
        Assert.Equal(first, Predict(Create(given)));
        Assert.NotEqual(first, Predict(Create(lightGbmOwn)));
    }

    [Fact]
    public void ForTrainingRows_VotingOfLightGbm_MemberParamsShowTheLimits()
    {
        var spec = new ModelSpec
        {
            Type = "voting",
            Members = [new ModelSpec { Type = "lightgbm", Name = "a" }, new ModelSpec { Type = "lightgbm", Name = "b", Options = new Dictionary<string, string> { ["categorical_smoothing"] = "3" } }],
        };
        var voting = TrainerCatalog.Create(spec, TaskKind.Binary, 0);

        var large = voting.ForTrainingRows(LightGbmOptions.LargeSetRows).EffectiveParams;

        Assert.Equal("32", voting.EffectiveParams["a.maximum_categorical_split_point_count"]);
        Assert.Equal("64", large["a.maximum_categorical_split_point_count"]);
        Assert.Equal("10", large["b.minimum_example_count_per_group"]);
        Assert.Equal("3", large["b.categorical_smoothing"]);
    }

    [Fact]
    public void ForTrainingRows_BaggingOfLightGbm_BaseParamsShowTheLimits()
    {
        var spec = new ModelSpec
        {
            Type = "bagging", Members = [new ModelSpec { Type = "lightgbm", Name = "g" }], Options = new Dictionary<string, string> { ["n"] = "3" },
        };

        var large = TrainerCatalog.Create(spec, TaskKind.Binary, 0).ForTrainingRows(LightGbmOptions.LargeSetRows).EffectiveParams;

        Assert.Equal("64", large["g.maximum_categorical_split_point_count"]);
        Assert.DoesNotContain(large.Keys, k => k.Contains('#'));
    }
}
