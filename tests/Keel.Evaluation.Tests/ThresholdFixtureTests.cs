using System.Text.Json;
using Keel.Core.Spec;
using Keel.Evaluation.Calibration;

namespace Keel.Evaluation.Tests;

/// <summary>Thresholds for F-beta, precision and recall targets and costs against scikit-learn 1.2.1's precision_recall_curve,
/// fbeta_score and confusion_matrix (Fixtures/threshold_fixtures.json, made by make_threshold_fixtures.py).</summary>
public sealed class ThresholdFixtureTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "threshold_fixtures.json")))
            .RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray());

    public static TheoryData<string> Names() => new(Cases.Value.Select(c => c.GetProperty("name").GetString()!));

    [Fact]
    public void Fixtures_EveryObjectiveOnTiedAndDistinctScores_TwentyOneCases()
    {
        Assert.Equal(21, Cases.Value.Length);
        Assert.Equal(["costs", "f_beta", "precision", "recall"], Cases.Value.Select(c => c.GetProperty("kind").GetString()).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Choose_FixtureCase_ThresholdAndValueMatchScikitLearn(string name)
    {
        var c = Cases.Value.Single(x => x.GetProperty("name").GetString() == name);
        var truth = c.GetProperty("truth").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var scores = c.GetProperty("scores").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var objective = new ThresholdObjective(c.GetProperty("kind").GetString()!, c.GetProperty("target").GetDouble(),
            c.GetProperty("fp").GetDouble(), c.GetProperty("fn").GetDouble());

        var chosen = Thresholds.Choose(truth, scores, objective);

        Assert.Equal(c.GetProperty("threshold").GetDouble(), chosen.Threshold);
        AssertClose(c.GetProperty("value").GetDouble(), chosen.Value);
        AssertClose(c.GetProperty("precision").GetDouble(), chosen.Precision);
        AssertClose(c.GetProperty("recall").GetDouble(), chosen.Recall);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
