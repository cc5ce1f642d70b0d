using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Tests;

/// <summary>One case of Fixtures/metric_fixtures.json: inputs and scikit-learn's outputs (written by make_metric_fixtures.py).</summary>
internal sealed record MetricCase(
    string Name,
    TaskKind Task,
    EncodedLabels Truth,
    Predictions Predictions,
    IReadOnlyDictionary<string, double> Metrics,
    int[][]? Confusion,
    IReadOnlyList<(double Precision, double Recall, double F1, int Support)> PerClass,
    (double[] X, double[] Y, double[] Thresholds)? Roc,
    (double[] X, double[] Y, double[] Thresholds)? PrecisionRecall);

internal static class MetricFixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, MetricCase>> Cases = new(Load);

    public static IReadOnlyDictionary<string, MetricCase> All => Cases.Value;

    public static TheoryData<string> Names(string task)
    {
        var data = new TheoryData<string>();
        foreach (var c in All.Values.Where(c => c.Task.ToString().Equals(task, StringComparison.OrdinalIgnoreCase)))
            data.Add(c.Name);
        return data;
    }

    private static IReadOnlyDictionary<string, MetricCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "metric_fixtures.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(Parse).ToDictionary(c => c.Name);
    }

    private static MetricCase Parse(JsonElement e)
    {
        var name = e.GetProperty("name").GetString()!;
        var task = e.GetProperty("task").GetString() switch
        {
            "binary" => TaskKind.Binary,
            "multiclass" => TaskKind.Multiclass,
            _ => TaskKind.Regression,
        };
        var metrics = e.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        if (task == TaskKind.Regression)
        {
            return new MetricCase(name, task,
                new EncodedLabels { Task = task, Values = Doubles(e.GetProperty("truth")) },
                new Predictions { Task = task, Values = Doubles(e.GetProperty("predicted")) },
                metrics, null, [], null, null);
        }
        var classes = e.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        return new MetricCase(name, task,
            new EncodedLabels { Task = task, Classes = classes, ClassIndices = e.GetProperty("truth").EnumerateArray().Select(v => v.GetInt32()).ToArray() },
            new Predictions { Task = task, Classes = classes, Probabilities = e.GetProperty("probabilities").EnumerateArray().Select(Doubles).ToArray() },
            metrics,
            e.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray(),
            e.GetProperty("per_class").EnumerateArray().Select(p => (p.GetProperty("precision").GetDouble(), p.GetProperty("recall").GetDouble(),
                p.GetProperty("f1").GetDouble(), p.GetProperty("support").GetInt32())).ToArray(),
            Curve(e, "roc"),
            Curve(e, "pr"));
    }

    private static (double[], double[], double[])? Curve(JsonElement e, string property) =>
        e.TryGetProperty(property, out var c)
            ? (Doubles(c.GetProperty("x")), Doubles(c.GetProperty("y")), Doubles(c.GetProperty("thresholds")))
            : null;

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
