using System.Globalization;
using System.Text;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Tests;

/// <summary>Sample tables for tests: a tiny CSV reader (Keel.Data is written in parallel) and label encoding.</summary>
internal static class TestData
{
    public static string SamplesFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test folder."), "samples");
    }

    /// <summary>Reads a sample CSV: a column is numeric when every non-empty value parses as a number, else categorical.</summary>
    public static Table ReadCsv(string fileName, int maxRows = int.MaxValue)
    {
        var lines = File.ReadLines(Path.Combine(SamplesFolder(), fileName)).Take(maxRows == int.MaxValue ? int.MaxValue : maxRows + 1).ToList();
        var header = SplitLine(lines[0]);
        var cells = lines.Skip(1).Where(l => l.Length > 0).Select(SplitLine).ToList();
        var columns = new List<Column>();
        for (var c = 0; c < header.Count; c++)
        {
            var raw = cells.Select(r => r[c] is "" or "NA" ? null : r[c]).ToArray();
            var numeric = raw.All(v => v is null || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            columns.Add(numeric
                ? new NumericColumn(header[c], raw.Select(v => v is null ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
                : new StringColumn(header[c], raw));
        }
        return new Table(columns);
    }

    private static List<string> SplitLine(string line)
    {
        var result = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted)
            {
                result.Add(sb.ToString());
                sb.Clear();
            }
            else sb.Append(ch);
        }
        result.Add(sb.ToString());
        return result;
    }

    /// <summary>Features (all but the label) and encoded labels; rows with a missing label are dropped; classes sorted ordinally.</summary>
    public static TrainingData Prepare(Table table, string label, TaskKind task)
    {
        var keep = Enumerable.Range(0, table.RowCount).Where(r => !table[label].IsMissing(r)).ToArray();
        table = table.Take(keep);
        var features = table.Drop([label]);
        if (task == TaskKind.Regression)
        {
            var values = ((NumericColumn)table[label]).Values.ToArray();
            return new TrainingData(features, new EncodedLabels { Task = task, Values = values });
        }
        var text = Enumerable.Range(0, table.RowCount).Select(r => table[label].Format(r)).ToArray();
        var classes = text.Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        return new TrainingData(features, new EncodedLabels { Task = task, Classes = classes, ClassIndices = text.Select(t => index[t]).ToArray() });
    }

    // Read once per test process: tables are immutable, so every test can share them.
    private static readonly Lazy<TrainingData> CreditData = new(() => Prepare(ReadCsv("credit_data.csv"), "Status", TaskKind.Binary));
    private static readonly Lazy<TrainingData> PenguinsData = new(() => Prepare(ReadCsv("penguins.csv"), "Species", TaskKind.Multiclass));
    private static readonly Lazy<TrainingData> AmesData = new(ReadAmes);

    public static TrainingData Credit() => CreditData.Value;

    public static TrainingData Penguins() => PenguinsData.Value;

    /// <summary>A small regression table: a few Ames columns, 800 rows.</summary>
    public static TrainingData Ames() => AmesData.Value;

    private static TrainingData ReadAmes()
    {
        var t = ReadCsv("ames.csv", 800);
        var keep = new[] { "Lot_Area", "Neighborhood", "Year_Built", "Gr_Liv_Area", "Garage_Area", "Sale_Price" };
        return Prepare(t.Drop(t.Columns.Select(c => c.Name).Where(n => !keep.Contains(n))), "Sale_Price", TaskKind.Regression);
    }

    public static TrainingData ForTask(TaskKind task) => task switch
    {
        TaskKind.Binary => Credit(),
        TaskKind.Multiclass => Penguins(),
        _ => Ames(),
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(TrainingData, double, int), (TrainingData, TrainingData)> Splits = new();

    /// <summary>A seeded shuffle split into train and test (made once per data, fraction and seed, then shared).</summary>
    public static (TrainingData Train, TrainingData Test) Split(TrainingData data, double testFraction = 0.2, int seed = 7) =>
        Splits.GetOrAdd((data, testFraction, seed), k => MakeSplit(k.Item1, k.Item2, k.Item3));

    private static (TrainingData Train, TrainingData Test) MakeSplit(TrainingData data, double testFraction, int seed)
    {
        var order = Enumerable.Range(0, data.Features.RowCount).ToArray();
        new Random(seed).Shuffle(order);
        var nTest = (int)(order.Length * testFraction);
        var test = order[..nTest];
        var train = order[nTest..];
        return (new TrainingData(data.Features.Take(train), data.Labels.Take(train)),
                new TrainingData(data.Features.Take(test), data.Labels.Take(test)));
    }

    /// <summary>Area under the ROC curve of scores for class 1 (ties count half).</summary>
    public static double Auc(Predictions p, int[] y)
    {
        var pos = y.Count(v => v == 1);
        var neg = y.Length - pos;
        var ranked = Enumerable.Range(0, y.Length).OrderBy(i => p.Probabilities![i][1]).ToArray();
        double rankSum = 0;
        for (var i = 0; i < ranked.Length;)
        {
            var j = i;
            while (j < ranked.Length && p.Probabilities![ranked[j]][1] == p.Probabilities[ranked[i]][1]) j++;
            var avgRank = (i + 1 + j) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (y[ranked[k]] == 1) rankSum += avgRank;
            }
            i = j;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    public static double Accuracy(Predictions p, int[] y)
    {
        var predicted = p.PredictedClassIndices();
        return predicted.Where((c, i) => c == y[i]).Count() / (double)y.Length;
    }

    public static TrainContext Context(int seed = 42) => new(seed, "test.csv");

    /// <summary>Small, fast option sets per type so the suite runs in seconds.</summary>
    public static Keel.Core.Spec.ModelSpec FastSpec(string type, TaskKind task) => new()
    {
        Type = type,
        Options = type switch
        {
            "lightgbm" => new Dictionary<string, string> { ["number_of_iterations"] = "30", ["learning_rate"] = "0.1" },
            "fasttree" => new Dictionary<string, string> { ["number_of_trees"] = "20" },
            "fastforest" => new Dictionary<string, string> { ["number_of_trees"] = "20" },
            "random_forest" => new Dictionary<string, string> { ["number_of_trees"] = "20" },
            "bagging" => new Dictionary<string, string> { ["n"] = "3" },
            "stacking" => new Dictionary<string, string> { ["folds"] = "3" },
            _ => new Dictionary<string, string>(),
        },
        // Ensembles of the fast members above.
        Members = type switch
        {
            "voting" or "stacking" => [FastSpec("lightgbm", task), FastSpec("linear", task)],
            "bagging" => [FastSpec("fasttree", task)],
            _ => [],
        },
        Rules = type != "heuristic" ? [] : task switch
        {
            TaskKind.Binary => ["Income < 100 -> bad", "Records == yes -> bad"],
            TaskKind.Multiclass => ["`Flipper Length (mm)` > 205 -> Gentoo", "`Beak Length (mm)` < 42 -> Adelie"],
            _ => ["Gr_Liv_Area > 2000 -> 300000"],
        },
    };
}
