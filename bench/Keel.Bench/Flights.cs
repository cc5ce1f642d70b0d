using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training;
using Keel.Training.Featurization;
using Keel.Training.MlNet;

/// <summary>flights-3m as ../shared/bench/peers/flights.py trains it: label delayed, features date parts, distance, origin and
/// destination, train January-April, test May-June; one LightGBM with the peer's trees, depth, learning rate and bins.
/// Times reading, featurising, training and predicting separately and prints one JSON line.</summary>
internal static class Flights
{
    // The peer's XGBoost: 200 trees of depth 8 (up to 256 leaves), learning rate 0.1, 256 bins (LightGBM counts 255 plus one for zero).
    private static readonly Dictionary<string, string> Defaults = new()
    {
        ["number_of_iterations"] = "200", ["maximum_tree_depth"] = "8", ["number_of_leaves"] = "255", ["learning_rate"] = "0.1",
        ["maximum_bin_count"] = "256", ["early_stopping_rounds"] = "0",
    };

    /// <summary>args: CSV [key=value ...] (LightGBM options over the defaults above, e.g. categorical_split=false number_of_threads=1;
    /// seed=N sets the run's seed, default 42).</summary>
    public static void Run(string[] args)
    {
        var options = new Dictionary<string, string>(Defaults);
        foreach (var kv in args.Skip(2)) options[kv.Split('=')[0]] = kv.Split('=', 2)[1];
        // seed=N (not a LightGBM option): the run's seed, which picks the rows ML.NET samples to build the bins.
        var seed = options.Remove("seed", out var seedText) ? int.Parse(seedText, CultureInfo.InvariantCulture) : 42;
        // mlnet_predict=true (not a LightGBM option): also time ML.NET's own scoring of the test rows, which Keel's TreeScorer
        // replaced, and check the two give the same predictions.
        var mlnetPredict = options.Remove("mlnet_predict", out var mlnetText) && bool.Parse(mlnetText);

        var watch = Stopwatch.StartNew();
        var table = Keel.Data.TableReader.Read(args[1], new Keel.Data.ReadOptions()).Table;
        var readSeconds = watch.Elapsed.TotalSeconds;

        var date = (NumericColumn)table["date"];
        var delayed = (NumericColumn)table["delayed"];
        var cut = new DateTimeOffset(2001, 5, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var trainRows = Enumerable.Range(0, table.RowCount).Where(r => date[r] < cut).ToArray();
        var testRows = Enumerable.Range(0, table.RowCount).Where(r => date[r] >= cut).ToArray();
        var features = table.Drop(["delay", "delayed"]);
        var y = Enumerable.Range(0, table.RowCount).Select(r => delayed[r] > 0 ? 1 : 0).ToArray();
        var labels = new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = y };
        var train = new TrainingData(features.Take(trainRows), labels.Take(trainRows));
        var test = new TrainingData(features.Take(testRows), labels.Take(testRows));
        table = null;
        features = null;
        var splitSeconds = watch.Elapsed.TotalSeconds - readSeconds;

        var parts = new Dictionary<string, IReadOnlyList<string>> { ["date"] = ["month", "day", "dayofweek", "hour", "minuteofday"] };
        var context = new TrainContext(seed, "flights") { Features = new FeatureCache() };
        context = context with { DateParts = parts };
        // As a run fixes them: the categorical limits the options leave out follow the training row count (LightGbmOptions.LargeSetRows).
        var trainer = (MlNetTrainer)TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = options }, TaskKind.Binary, 0).ForTrainingRows(trainRows.Length);
        watch.Restart();
        context.Features!.Fit(train.Features, trainer.Featurization(context));
        var featurizeSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var fit = trainer.Fit(train, null, context);
        var trainSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var predictions = fit.Model.Predict(test.Features);
        var predictSeconds = watch.Elapsed.TotalSeconds;
        var auc = Keel.Evaluation.Evaluator.Evaluate(test.Labels, predictions).Metrics["auc"];
        double? mlnetSeconds = null;
        bool? identical = null;
        if (mlnetPredict)
        {
            var model = (MlNetModel)fit.Model;
            watch.Restart();
            var mlnet = model.PredictByMlNet(Featurizer.TransformMatrix(model.Featurizer, test.Features));
            mlnetSeconds = Math.Round(watch.Elapsed.TotalSeconds, 2);
            identical = PredictPaths.Same(mlnet, predictions);
        }

        using var process = Process.GetCurrentProcess();
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["rows"] = trainRows.Length + testRows.Length, ["train_rows"] = trainRows.Length, ["test_rows"] = testRows.Length,
            ["read_s"] = Math.Round(readSeconds, 2), ["split_s"] = Math.Round(splitSeconds, 2), ["featurize_s"] = Math.Round(featurizeSeconds, 2),
            ["train_s"] = Math.Round(trainSeconds, 2), ["predict_s"] = Math.Round(predictSeconds, 2), ["auc"] = Math.Round(auc, 5),
            ["threads"] = MlNetTrainer.Threads(LightGbmOptions.Read(new OptionReader(options, "bench"))),
            ["peak_rss_mb"] = process.PeakWorkingSet64 / 1048576, ["seed"] = seed, ["params"] = trainer.EffectiveParams,
        };
        if (mlnetSeconds is { } seconds)
        {
            result["predict_mlnet_s"] = seconds;
            result["predict_identical"] = identical!.Value;
        }
        Console.WriteLine(JsonSerializer.Serialize(result));
    }
}
