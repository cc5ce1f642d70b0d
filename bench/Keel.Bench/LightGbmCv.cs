using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training;
using Keel.Training.Featurization;

/// <summary>k-fold cross-validation of one LightGBM option set on a CSV, to see whether option changes found on flights
/// hurt small sets: the same folds (seeded, stratified by class) for every option set; prints one line per fold and the mean.</summary>
internal static class LightGbmCv
{
    /// <summary>args: lgbcv CSV LABEL binary|multiclass|regression FOLDS [key=value ...] (LightGBM options over Keel's defaults).</summary>
    public static void Run(string[] args)
    {
        var table = Keel.Data.TableReader.Read(args[1], new Keel.Data.ReadOptions()).Table;
        var label = args[2];
        var task = Task(args[3]);
        var folds = int.Parse(args[4], CultureInfo.InvariantCulture);
        var options = args.Skip(5).ToDictionary(kv => kv.Split('=')[0], kv => kv.Split('=', 2)[1]);
        var features = table.Drop([label]);
        var labels = Labels(table, label, task);

        // Stratified folds: rows of each class shuffled with a fixed seed and dealt round-robin.
        var fold = new int[table.RowCount];
        var rng = new Random(7);
        var groups = labels.ClassIndices is { } y ? Enumerable.Range(0, table.RowCount).GroupBy(r => y[r]) : Enumerable.Range(0, table.RowCount).GroupBy(_ => 0);
        foreach (var g in groups)
        {
            var rows = g.ToArray();
            rng.Shuffle(rows);
            for (var i = 0; i < rows.Length; i++) fold[rows[i]] = i % folds;
        }
        var metric = task switch { TaskKind.Binary => "auc", TaskKind.Multiclass => "auc_ovr_macro", _ => "rmse" };
        var scores = new List<double>();
        for (var k = 0; k < folds; k++)
        {
            var trainRows = Enumerable.Range(0, table.RowCount).Where(r => fold[r] != k).ToArray();
            var testRows = Enumerable.Range(0, table.RowCount).Where(r => fold[r] == k).ToArray();
            var train = new TrainingData(features.Take(trainRows), labels.Take(trainRows));
            var test = new TrainingData(features.Take(testRows), labels.Take(testRows));
            var trainer = TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = options }, task, 0);
            var fit = trainer.Fit(train, null, new TrainContext(42, "cv") { Features = new FeatureCache() });
            scores.Add(Keel.Evaluation.Evaluator.Evaluate(test.Labels, fit.Model.Predict(test.Features)).Metrics[metric]);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(args[1])} {metric} mean {scores.Average():F5} folds {string.Join(' ', scores.Select(s => s.ToString("F4", CultureInfo.InvariantCulture)))} options {string.Join(' ', args.Skip(5))}"));
    }

    /// <summary>binary, multiclass or regression (anything else).</summary>
    public static TaskKind Task(string name) => name switch { "binary" => TaskKind.Binary, "multiclass" => TaskKind.Multiclass, _ => TaskKind.Regression };

    /// <summary>The label column of <paramref name="table"/> encoded for <paramref name="task"/> (classes in ordinal order).</summary>
    public static EncodedLabels Labels(Table table, string label, TaskKind task)
    {
        var column = table[label];
        if (task == TaskKind.Regression)
            return new EncodedLabels { Task = task, Values = [.. Enumerable.Range(0, table.RowCount).Select(r => ((NumericColumn)column)[r])] };
        var text = Enumerable.Range(0, table.RowCount).Select(column.Format).ToArray();
        var classes = text.Distinct().Order(StringComparer.Ordinal).ToArray();
        return new EncodedLabels { Task = task, Classes = classes, ClassIndices = [.. text.Select(t => Array.IndexOf(classes, t))] };
    }
}
