using System.Diagnostics;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training;
using Keel.Training.Featurization;

// Timings and memory of the training library, measured on demand (never asserted in the test suite).
//   dotnet run -c Release --project bench/Keel.Bench -- featurize          fit + transform of 200k rows x 20 columns, median of 5
//   dotnet run -c Release --project bench/Keel.Bench -- train 1000000      the default candidates on a synthetic binary table
//                                                                           (80% train, 20% validation), wall time and peak RSS
//   dotnet run -c Release --project bench/Keel.Bench -- sample IN.parquet OUT.csv 200000   a seeded row sample as CSV (for bench/ridge.py)
//   dotnet run -c Release --project bench/Keel.Bench -- flights FLIGHTS_CSV [option=value ...]   Keel's side of bench/flights/side_by_side.sh
//   dotnet run -c Release --project bench/Keel.Bench -- lgbcv CSV LABEL TASK FOLDS [option=value ...]   k-fold score of one LightGBM option set
//   dotnet run -c Release --project bench/Keel.Bench -- predict CSV LABEL TASK TYPE   one ML.NET model's prediction time, Keel's TreeScorer beside ML.NET's own paths
var mode = args.Length > 0 ? args[0] : "featurize";
if (mode == "lgbcv")
{
    LightGbmCv.Run(args);
    return;
}
if (mode == "predict")
{
    PredictPaths.Run(args);
    return;
}
if (mode == "flights")
{
    Flights.Run(args);
    return;
}
if (mode == "sample")
{
    var table = Keel.Data.TableReader.Read(args[1], new Keel.Data.ReadOptions()).Table;
    var order = Enumerable.Range(0, table.RowCount).ToArray();
    new Random(5).Shuffle(order);
    var rows = order[..Math.Min(order.Length, int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture))];
    Array.Sort(rows);
    using var writer = new StreamWriter(args[2]);
    writer.WriteLine(string.Join(',', table.Columns.Select(c => c.Name)));
    foreach (var r in rows) writer.WriteLine(string.Join(',', table.Columns.Select(c => c.IsMissing(r) ? "" : c.Format(r))));
    Console.WriteLine($"wrote {rows.Length} rows to {args[2]}");
    return;
}
if (mode == "featurize")
{
    var table = Synthetic(200_000, seed: 1).Features;
    var times = new List<double>();
    for (var i = 0; i < 6; i++)
    {
        var watch = Stopwatch.StartNew();
        var rows = Featurizer.TransformMatrix(Featurizer.Fit(table, new FeaturizerOptions()), table);
        times.Add(watch.Elapsed.TotalSeconds);
        if (rows.RowCount != table.RowCount) throw new InvalidOperationException("row count");
    }
    times.RemoveAt(0); // JIT
    times.Sort();
    Console.WriteLine($"featurize 200k x 20: median {times[2]:F3} s (min {times[0]:F3}, max {times[^1]:F3}) over 5 runs after a warm-up");
    return;
}

var n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var data = Synthetic(n, seed: 2);
var cut = n * 4 / 5;
var train = new TrainingData(data.Features.Take(Enumerable.Range(0, cut).ToArray()), data.Labels.Take(Enumerable.Range(0, cut).ToArray()));
var valid = new TrainingData(data.Features.Take(Enumerable.Range(cut, n - cut).ToArray()), data.Labels.Take(Enumerable.Range(cut, n - cut).ToArray()));
var context = new TrainContext(42, "synthetic");
// Share featurised matrices between candidates where this build of Keel.Training offers a cache (reflection, so the
// same program also measures builds from before the cache).
var cacheType = typeof(TrainContext).Assembly.GetType("Keel.Training.Featurization.FeatureCache");
if (cacheType is not null) typeof(TrainContext).GetProperty("Features")!.SetValue(context, Activator.CreateInstance(cacheType));
Console.WriteLine($"{n} rows (train {cut}, validation {n - cut}), {data.Features.Columns.Count} columns; shared cache: {cacheType is not null}");
foreach (var type in args.Length > 2 ? args[2].Split(',') : ["linear", "lightgbm", "fasttree", "fastforest"])
{
    var watch = Stopwatch.StartNew();
    var fit = TrainerCatalog.Create(new ModelSpec { Type = type }, TaskKind.Binary, 0).Fit(train, valid, context);
    var p = fit.Model.Predict(valid.Features);
    using var process = Process.GetCurrentProcess();
    Console.WriteLine($"  {type,-10} {watch.Elapsed.TotalSeconds,7:F1} s  curve points {fit.LossCurve?.Points.Count ?? 0,3}  predictions {p.Count}  peak RSS so far {process.PeakWorkingSet64 / 1048576.0,7:F0} MB");
}

static TrainingData Synthetic(int n, int seed)
{
    var rng = new Random(seed);
    var columns = new List<Column>();
    var score = new double[n];
    for (var c = 0; c < 15; c++)
    {
        var values = new double[n];
        for (var r = 0; r < n; r++)
        {
            var v = rng.NextDouble();
            score[r] += v * (c % 3 - 1);
            values[r] = rng.NextDouble() < 0.05 ? double.NaN : v;
        }
        columns.Add(new NumericColumn($"n{c}", values));
    }
    string[] cats = ["a", "b", "c", "d", "e", "f", "g"];
    for (var c = 0; c < 5; c++)
    {
        var values = new string?[n];
        for (var r = 0; r < n; r++)
        {
            var k = rng.Next(cats.Length);
            score[r] += c == 0 ? k * 0.1 : 0;
            values[r] = cats[k];
        }
        columns.Add(new StringColumn($"s{c}", values));
    }
    var y = new int[n];
    for (var r = 0; r < n; r++) y[r] = score[r] + rng.NextDouble() * 2 - 1 > 0 ? 1 : 0;
    return new TrainingData(new Table(columns), new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = y });
}
