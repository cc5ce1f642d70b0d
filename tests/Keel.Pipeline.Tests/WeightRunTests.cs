using System.Globalization;
using System.Text;
using Keel.Core;
using Keel.Evaluation;

namespace Keel.Pipeline.Tests;

/// <summary>imbalance.class_weight and data.weight through a run's preparation and training: training rows weighted, validation and
/// test metrics weighted by data.weight only, bad settings refused before training.</summary>
public sealed class WeightRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A seeded skewed binary CSV: about 6 % "yes", two overlapping numeric features, a category and a weight column.</summary>
    private string SkewedCsv(int rows = 3000, int seed = 17)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("x1,x2,colour,w,y\n");
        for (var i = 0; i < rows; i++)
        {
            var yes = random.NextDouble() < 0.06;
            double G() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var x1 = (yes ? 1.2 : 0) + G();
            var x2 = (yes ? -0.8 : 0) + G();
            var colour = random.Next(3) switch { 0 => "red", 1 => "green", _ => "blue" };
            csv.Append(CultureInfo.InvariantCulture, $"{x1:R},{x2:R},{colour},{0.5 + random.NextDouble():R},{(yes ? "yes" : "no")}\n");
        }
        var path = Path.Combine(_dir, "skewed.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private PreparedRun Prepare(string extra, string models = "[linear]", string data = "")
    {
        var csv = SkewedCsv();
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {csv}, label: y, positive_class: yes{data}}}\nmodels: {models}\nseed: 3\n{extra}\n");
        return RunPreparation.Prepare(spec, null);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("lightgbm")]
    public void Train_BalancedClassWeight_MinorityTestRecallRises(string type)
    {
        var plainRun = Prepare("", $"[{type}]");
        var weightedRun = Prepare("imbalance: {class_weight: balanced}", $"[{type}]");

        var plain = new CandidateTrainer(plainRun, TimeProvider.System).Train(plainRun.Candidates[0]);
        var weighted = new CandidateTrainer(weightedRun, TimeProvider.System).Train(weightedRun.Candidates[0]);

        // Same rows, same split: only the training rows' weights differ; test metrics count every test row once.
        Assert.Equal(plainRun.Split.Test, weightedRun.Split.Test);
        var before = plain.TestMetrics["recall.yes"];
        var after = weighted.TestMetrics["recall.yes"];
        Assert.True(after > before + 0.1, $"{type}: test recall of 'yes' {before:0.###} without weights, {after:0.###} with balanced class weights");
        Assert.True(weighted.TestMetrics["balanced_accuracy"] > plain.TestMetrics["balanced_accuracy"]);
    }

    [Fact]
    public void Train_WeightColumn_NotAFeatureAndTestMetricsWeighted()
    {
        var run = Prepare("", data: ", weight: w");

        var outcome = new CandidateTrainer(run, TimeProvider.System).Train(run.Candidates[0]);

        Assert.False(run.Features.Contains("w"));
        var weights = run.Split.Test.Select(r => run.Weights![r]).ToArray();
        var expected = Evaluator.Evaluate(run.Label.Labels.Take(run.Split.Test), outcome.TestPredictions, weights).Metrics;
        Assert.Equal(expected["log_loss"], outcome.TestMetrics["log_loss"], 12);
        Assert.NotEqual(Evaluator.Evaluate(run.Label.Labels.Take(run.Split.Test), outcome.TestPredictions).Metrics["log_loss"], outcome.TestMetrics["log_loss"], 12);
    }

    [Fact]
    public void Prepare_ClassWeightOnRegression_ErrorNamesField()
    {
        var csv = SkewedCsv();
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {csv}, label: x1}}\nmodels: [linear]\nimbalance: {{class_weight: balanced}}\n");

        var e = Assert.Throws<KeelInputException>(() => RunPreparation.Prepare(spec, null));

        Assert.Contains("field 'imbalance.class_weight'", e.Message);
        Assert.Contains("regression", e.Message);
    }

    [Fact]
    public void Prepare_ClassWeightUnknownClass_ErrorNamesClassAndClasses()
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare("imbalance: {class_weight: {maybe: 3}}"));

        Assert.Contains("'imbalance.class_weight.maybe'", e.Message);
        Assert.Contains("classes are: no, yes", e.Message);
    }

    [Fact]
    public void Prepare_ClassWeightNotBalancedOrMap_ErrorNamesField()
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare("imbalance: {class_weight: even}"));

        Assert.Contains("imbalance.class_weight", e.Message);
        Assert.Contains("expected balanced", e.Message);
    }

    [Fact]
    public void Prepare_NegativeWeightValue_ErrorNamesRowAndColumn()
    {
        var csv = SkewedCsv();
        var lines = File.ReadAllLines(csv);
        lines[5] = string.Join(',', lines[5].Split(',') is var f ? [f[0], f[1], f[2], "-2", f[4]] : f);
        File.WriteAllLines(csv, lines);
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {csv}, label: y, weight: w}}\nmodels: [linear]\n");

        var e = Assert.Throws<KeelInputException>(() => RunPreparation.Prepare(spec, null));

        Assert.Contains("'data.weight'", e.Message);
        Assert.Contains("row 4 (0-based), column 'w': '-2'", e.Message);
    }

    [Fact]
    public void Prepare_WeightWithResampling_ErrorNamesBothFields()
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare("imbalance: {method: oversample}", data: ", weight: w"));

        Assert.Contains("'data.weight'", e.Message);
        Assert.Contains("imbalance.method", e.Message);
    }

    [Fact]
    public void Prepare_WeightColumnNotNumeric_ErrorNamesColumn()
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare("", data: ", weight: colour"));

        Assert.Contains("column 'colour'", e.Message);
        Assert.Contains("expected numbers", e.Message);
    }
}
