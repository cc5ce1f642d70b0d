using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training;
using Keel.Training.Featurization;
using Keel.Training.MlNet;

/// <summary>One ML.NET model's prediction time by Keel's <see cref="TreeScorer"/> and by ML.NET's own paths (pooled
/// prediction engines for one row, one data view for a batch), side by side in one process, and whether they agree.
/// The model (Keel's defaults for its type) trains on four fifths of the rows and predicts the other fifth. Prints one JSON line.</summary>
internal static class PredictPaths
{
    /// <summary>args: predict CSV LABEL binary|multiclass|regression TYPE.</summary>
    public static void Run(string[] args)
    {
        var all = Keel.Data.TableReader.Read(args[1], new Keel.Data.ReadOptions()).Table;
        var task = LightGbmCv.Task(args[3]);
        var labels = LightGbmCv.Labels(all, args[2], task);
        var features = all.Drop([args[2]]);
        int[] trainRows = [.. Enumerable.Range(0, all.RowCount).Where(r => r % 5 != 0)], testRows = [.. Enumerable.Range(0, all.RowCount).Where(r => r % 5 == 0)];
        var train = new TrainingData(features.Take(trainRows), labels.Take(trainRows));
        var fitted = TrainerCatalog.Create(new ModelSpec { Type = args[4] }, task, 0).Fit(train, null, new TrainContext(42, args[1])).Model;
        var table = features.Take(testRows);
        var one = Enumerable.Range(0, Math.Min(table.RowCount, 200)).Select(r => table.Take([r])).ToArray();
        if (fitted is Keel.Training.Forest.RandomForestModel forest)
        {
            Forest(forest, table, one, Path.GetFileName(args[1]));
            return;
        }
        if (fitted is not MlNetModel model) throw new InvalidOperationException($"{args[4]} trains a {fitted.GetType().Name}, not an ML.NET model or a random forest.");
        var rows = Featurizer.TransformMatrix(model.Featurizer, table);
        var scorer = TreeScorer.For(model.Transformer, model.Task);
        var same = Same(model.Predict(table), model.PredictByMlNet(rows));
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["data"] = Path.GetFileName(args[1]), ["model"] = model.Type, ["task"] = model.Task.ToString(), ["rows"] = table.RowCount, ["slots"] = rows.Width, ["cores"] = Environment.ProcessorCount,
            ["tree_scorer"] = scorer is not null, ["identical"] = same,
            ["keel_one_row_us"] = Single(i => model.Predict(one[i]), one.Length),
            ["mlnet_engine_one_row_us"] = Single(i => model.Engines.Predict(Featurizer.TransformMatrix(model.Featurizer, one[i])), one.Length),
            ["keel_batch_us_per_row"] = Batch(() => model.Predict(table), table.RowCount),
            ["mlnet_view_batch_us_per_row"] = Batch(() => model.PredictByMlNet(Featurizer.TransformMatrix(model.Featurizer, table)), table.RowCount),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
    }

    /// <summary>Keel's random forest (<c>random_forest</c>): its prediction in row blocks beside the row-by-row loop it
    /// replaced (copied here as the baseline: every row through every tree, tree order), and whether they agree.</summary>
    private static void Forest(Keel.Training.Forest.RandomForestModel model, Table table, Table[] one, string data)
    {
        var forest = model.Forest;
        Predictions RowByRow()
        {
            var rows = Featurizer.TransformMatrix(model.Featurizer, table);
            var width = forest.Width;
            var sums = new double[rows.RowCount][];
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, rows.RowCount, 256), range =>
            {
                var row = new float[rows.Width];
                for (var r = range.Item1; r < range.Item2; r++)
                {
                    rows.CopyRow(r, row);
                    var sum = new double[width];
                    foreach (var tree in forest.Trees)
                    {
                        var leaf = tree.Leaf(row);
                        for (var k = 0; k < width; k++) sum[k] += tree.Value[leaf * width + k];
                    }
                    for (var k = 0; k < width; k++) sum[k] /= forest.Trees.Count;
                    sums[r] = sum;
                }
            });
            return model.Task == TaskKind.Regression
                ? new Predictions { Task = model.Task, Values = sums.Select(s => s[0]).ToArray() }
                : new Predictions { Task = model.Task, Classes = model.Classes, Probabilities = sums };
        }
        var same = Same(model.Predict(table), RowByRow());
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["data"] = data, ["model"] = model.Type, ["task"] = model.Task.ToString(), ["rows"] = table.RowCount, ["trees"] = forest.Trees.Count,
            ["nodes"] = forest.Trees.Sum(t => t.Nodes), ["cores"] = Environment.ProcessorCount, ["identical"] = same,
            ["keel_one_row_us"] = Single(i => model.Predict(one[i]), one.Length),
            ["keel_batch_us_per_row"] = Batch(() => model.Predict(table), table.RowCount),
            ["row_by_row_batch_us_per_row"] = Batch(RowByRow, table.RowCount),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
    }

    /// <summary>Whether two predictions of the same rows are equal in every value.</summary>
    public static bool Same(Predictions a, Predictions b) =>
        a.Count == b.Count && Enumerable.Range(0, a.Count).All(i => a.Task == TaskKind.Regression
            ? a.Values![i] == b.Values![i]
            : a.Probabilities![i].SequenceEqual(b.Probabilities![i]));

    // µs per call, the median of 7 timed passes after untimed passes for at least a second (so the JIT's tiers settle
    // and each path is timed at full speed, whichever runs first).
    private static double Time(Action<int> call, int calls)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1000)
        {
            for (var i = 0; i < calls; i++) call(i);
        }
        var passes = new List<double>();
        for (var pass = 0; pass < 7; pass++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++) call(i);
            passes.Add(watch.Elapsed.TotalMicroseconds / calls);
        }
        passes.Sort();
        return passes[passes.Count / 2];
    }

    // One row per call, featurising it included; the whole file in one call, per row.
    private static double Single(Func<int, Predictions> predict, int rows) => Math.Round(Time(i => predict(i), rows), 2);

    private static double Batch(Func<Predictions> predict, int rows) => Math.Round(Time(_ => predict(), 1) / rows, 3);
}
