using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Tests;

/// <summary>One case of Fixtures/metric_fixtures.json (written by make_metric_fixtures.py with scikit-learn 1.2.1).</summary>
internal sealed record MetricCase(string Name, JsonElement Json)
{
    public TaskKind Task => Json.GetProperty("task").GetString() switch
    {
        "binary" => TaskKind.Binary,
        "multiclass" => TaskKind.Multiclass,
        _ => TaskKind.Regression,
    };

    public IReadOnlyDictionary<string, double> ExpectedMetrics =>
        Json.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);

    public double[] Doubles(params string[] path) => Walk(path).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public int[] Ints(params string[] path) => Walk(path).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public int[][] IntMatrix(string name) =>
        Json.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();

    public (EncodedLabels Truth, Predictions Predictions) Inputs()
    {
        if (Task == TaskKind.Regression)
        {
            return (new EncodedLabels { Task = Task, Values = Doubles("y_true") },
                new Predictions { Task = Task, Values = Doubles("y_pred") });
        }
        var k = Json.GetProperty("classes").GetInt32();
        var classes = Enumerable.Range(0, k).Select(c => $"c{c}").ToArray();
        var probabilities = Json.GetProperty("probabilities").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        return (new EncodedLabels { Task = Task, Classes = classes, ClassIndices = Ints("y_true") },
            new Predictions { Task = Task, Classes = classes, Probabilities = probabilities });
    }

    public override string ToString() => Name;

    private JsonElement Walk(string[] path) => path.Aggregate(Json, (e, p) => e.GetProperty(p));
}

internal static class MetricFixtures
{
    private static readonly Lazy<IReadOnlyList<MetricCase>> Loaded = new(Load);

    public static IReadOnlyList<MetricCase> All => Loaded.Value;

    public static MetricCase Get(string name) => All.Single(c => c.Name == name);

    private static IReadOnlyList<MetricCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "metric_fixtures.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new MetricCase(c.GetProperty("name").GetString()!, c.Clone())).ToArray();
    }
}

/// <summary>Relative 1e-9, absolute 1e-12 near zero: the agreement promised with scikit-learn.</summary>
internal static class Close
{
    public static void Equal(double expected, double actual, string what)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual)) return;
        var ok = Math.Abs(expected - actual) <= Math.Max(1e-12, 1e-9 * Math.Abs(expected));
        Assert.True(ok, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
