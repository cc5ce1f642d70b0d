using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Evaluation.Behaviour;

namespace Keel.Evaluation.Tests;

/// <summary>Invariance, directional and minimum-functionality tests over a model given as a function of its rows.</summary>
public class BehaviourTestsTests
{
    private static readonly Table Rows = new([new NumericColumn("Income", [10, 50, double.NaN, 200]), new StringColumn("Home", ["rent", "owner", "rent", "owner"])]);

    /// <summary>P(bad) = 1 / (1 + exp(sign · Income / 100)).</summary>
    private static Func<Table, Predictions> Model(double sign) => t => new Predictions
    {
        Task = TaskKind.Binary,
        Classes = ["good", "bad"],
        Probabilities = ((NumericColumn)t["Income"]).Values.ToArray().Select(x => double.IsNaN(x) ? 0.5 : 1 / (1 + Math.Exp(sign * x / 100)))
            .Select(p => new[] { 1 - p, p }).ToArray(),
    };

    [Fact]
    public void Perturbation_DirectionalMonotoneModel_AllPassMissingSkipped()
    {
        var test = new BehaviourTestSpec("directional", "directional Income ×1.1") { Column = "Income", Factor = 1.1 };

        var r = BehaviourTests.Perturbation(test, Rows, Model(1)(Rows), Model(1), 1);

        Assert.Equal((3, 3, 1.0), (r.Rows, r.Passed, r.PassRate));
        Assert.Empty(r.Examples);
    }

    [Fact]
    public void Perturbation_DirectionalWrongWay_EveryRowFailsWithExamples()
    {
        var test = new BehaviourTestSpec("directional", "directional Income ×1.1") { Column = "Income", Factor = 1.1 };

        var r = BehaviourTests.Perturbation(test, Rows, Model(-1)(Rows), Model(-1), 1);

        Assert.Equal((3, 0), (r.Rows, r.Passed));
        // Largest rise first: Income 200 -> 220.
        Assert.Equal(3, r.Examples[0].Row);
        Assert.Contains("Income 200 → 220: P(bad)", r.Examples[0].Detail);
    }

    [Fact]
    public void Perturbation_InvarianceWithinTolerance_PassesOnlySmallMoves()
    {
        // Noise of 1 moves P(bad) by at most about 0.0025 (slope ≤ 1/400 per unit).
        var loose = new BehaviourTestSpec("invariance", "invariance Income") { Column = "Income", Noise = 1, Tolerance = 0.003 };
        var strict = loose with { Tolerance = 1e-6 };

        Assert.Equal(1, BehaviourTests.Perturbation(loose, Rows, Model(1)(Rows), Model(1), 7).PassRate);
        Assert.Equal(0, BehaviourTests.Perturbation(strict, Rows, Model(1)(Rows), Model(1), 7).Passed);
    }

    [Fact]
    public void Minimum_Cases_PassWhenThePredictedClassIsExpected()
    {
        var expected = new EncodedLabels { Task = TaskKind.Binary, Classes = ["good", "bad"], ClassIndices = [1, 1, 0, 0] };

        var r = BehaviourTests.Minimum(new BehaviourTestSpec("minimum", "minimum cases.csv"), expected, Model(1)(Rows));

        // P(bad): 0.475, 0.378, 0.5 (missing: tie, good wins), 0.119 -> predicted good, good, good, good.
        Assert.Equal((4, 2), (r.Rows, r.Passed));
        Assert.Equal([0, 1], r.Examples.Select(e => e.Row));
        Assert.StartsWith("expected bad, predicted good", r.Examples[0].Detail);
    }

    [Fact]
    public void Check_TestsPassRateGate_FailureNamesTheFailingRow()
    {
        var failing = new BehaviourResult("directional Income ×1.1", "directional", 3, 2, [new BehaviourFailure(7, "Income 10 → 11: P(bad) 0.4 → 0.5")]);
        var report = new TestReport { Candidate = "m", Rows = 3, Bootstrap = new(), Intervals = new Dictionary<string, Keel.Evaluation.Uncertainty.Interval>(), Behaviour = [failing] };
        var metrics = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["m"] = new Dictionary<string, double>() };

        var r = Assert.Single(Gates.Check(["tests.directional.pass_rate == 1"], "m", metrics, "auc", report));

        Assert.False(r.Passed);
        Assert.Contains("pass_rate = 0.6667", r.Detail);
        Assert.Contains("directional Income ×1.1 fails on test row 7: Income 10 → 11", r.Detail);
    }
}
