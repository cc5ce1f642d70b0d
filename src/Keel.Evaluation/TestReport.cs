using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Calibration;
using Keel.Evaluation.Conformal;
using Keel.Evaluation.Fairness;
using Keel.Evaluation.Significance;
using Keel.Evaluation.Slices;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation;

/// <summary>What the evaluation beyond averages does (spec section <c>evaluation</c>).</summary>
public sealed record EvaluationOptions
{
    /// <summary>Columns whose values (numeric: quantile bins) get their own metrics. Default: none.</summary>
    public IReadOnlyList<string> Slices { get; init; } = [];

    /// <summary>Columns audited for fairness. Default: none.</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];

    /// <summary>sigmoid or isotonic: a calibration fitted on validation and reported on test. Default null: none.</summary>
    public string? Calibrate { get; init; }

    /// <summary>Slices with fewer rows are listed with their size but get no metrics (too few rows for a figure worth reading), and
    /// slice gates pass over them. Default 30 (as the weak-segment search's minimum).</summary>
    public int MinSliceRows { get; init; } = 30;

    /// <summary>Coverage of the split-conformal intervals and sets. Default 0.9.</summary>
    public double Coverage { get; init; } = 0.9;

    /// <summary>The bootstrap behind every interval. Default: 1000 resamples, 95 %, seed 42 (a run passes its own seed).</summary>
    public BootstrapOptions Bootstrap { get; init; } = new();

    /// <summary>The weak-segment search. Default: see <see cref="WeakSegmentOptions"/>.</summary>
    public WeakSegmentOptions WeakSegments { get; init; } = new();
}

/// <summary>Calibration of the selected model on test: reliability curves, ECE, Brier, and the same after the chosen calibration.</summary>
public sealed record CalibrationResult(double Ece, double Brier, IReadOnlyList<ReliabilityBin> Uniform, IReadOnlyList<ReliabilityBin> Quantile,
    string? Method, double? EceAfter, double? BrierAfter, IReadOnlyList<ReliabilityBin>? UniformAfter)
{
    /// <summary>Whether the calibration is stored in the model package: then the "after" figures describe the registered model.</summary>
    public bool Stored { get; init; }

    /// <summary>The ECE of the model as registered (with its stored calibration, if any): what the gate <c>ece</c> reads.</summary>
    public double RegisteredEce => Stored && EceAfter is { } e ? e : Ece;
}

/// <summary>The decision rule stored with a binary model, chosen on validation (spec evaluation.calibrate and evaluation.threshold).</summary>
/// <param name="Calibration">sigmoid or isotonic, or null.</param>
/// <param name="Threshold">The decision threshold on the (calibrated) positive probability, or null (the larger probability wins).</param>
/// <param name="Objective">What the threshold was chosen for, e.g. "costs fp 1, fn 5".</param>
/// <param name="ValidationRows">Rows it was chosen on.</param>
/// <param name="ValidationValue">The objective's value on validation (F-beta, recall, precision or mean cost per row).</param>
/// <param name="ValidationPrecision">Precision on validation at the threshold.</param>
/// <param name="ValidationRecall">Recall on validation at the threshold.</param>
public sealed record DecisionResult(string? Calibration, double? Threshold, string? Objective, int ValidationRows,
    double? ValidationValue, double? ValidationPrecision, double? ValidationRecall);

/// <summary>A model's evaluation on the test split beyond its averages (stored as <c>evaluation/CANDIDATE.test.json</c>).</summary>
/// <remarks>Every model gets intervals; the selected model also gets comparisons, calibration, slices, weak segments, Simpson checks,
/// the fairness audit and conformal coverage.</remarks>
public sealed record TestReport
{
    /// <summary>The model's name.</summary>
    public required string Candidate { get; init; }

    /// <summary>Test rows.</summary>
    public required int Rows { get; init; }

    /// <summary>Resamples, confidence and seed of every interval below.</summary>
    public required BootstrapOptions Bootstrap { get; init; }

    /// <summary>Every test metric with its bootstrap interval.</summary>
    public required IReadOnlyDictionary<string, Interval> Intervals { get; init; }

    /// <summary>When the registered model was refitted on train + validation (and <see cref="Intervals"/> describe it): the intervals of
    /// the selected candidate as trained on train only, its own leaderboard row. Null otherwise.</summary>
    public IReadOnlyDictionary<string, Interval>? TrainOnlyIntervals { get; init; }

    /// <summary>Against every other model on the same rows: the selection metric, and accuracy for classification.</summary>
    public IReadOnlyList<Comparison> Comparisons { get; init; } = [];

    /// <summary>Binary tasks: calibration on test.</summary>
    public CalibrationResult? Calibration { get; init; }

    /// <summary>The minimum slice size behind <see cref="Slices"/> (evaluation.min_slice_rows).</summary>
    public int MinSliceRows { get; init; } = 1;

    /// <summary>Metrics per slice of each evaluation.slices column.</summary>
    public IReadOnlyList<SliceResult> Slices { get; init; } = [];

    /// <summary>Significantly weak segments, best ranked first.</summary>
    public IReadOnlyList<WeakSegment> WeakSegments { get; init; } = [];

    /// <summary>Simpson's paradox check against the runner-up, per slice column.</summary>
    public IReadOnlyList<SimpsonResult> Simpson { get; init; } = [];

    /// <summary>Fairness audit per evaluation.sensitive column.</summary>
    public IReadOnlyList<FairnessResult> Fairness { get; init; } = [];

    /// <summary>Split-conformal coverage, calibrated on validation.</summary>
    public ConformalResult? Conformal { get; init; }

    /// <summary>The calibration and decision threshold stored with the registered model; null when none.</summary>
    public DecisionResult? Decision { get; init; }

    /// <summary>Error analysis by the tags of evaluation.tags, highest priority first. Default: none.</summary>
    public IReadOnlyList<Keel.Evaluation.ErrorAnalysis.TagResult> Tags { get; init; } = [];

    /// <summary>Behavioural tests of evaluation.tests, in spec order. Default: none.</summary>
    public IReadOnlyList<Keel.Evaluation.Behaviour.BehaviourResult> Behaviour { get; init; } = [];

    /// <summary>Permutation importance of each feature column on test in the selection metric; null when evaluation.importance_repeats is 0.</summary>
    public Keel.Evaluation.Importance.PermutationImportanceResult? Importance { get; init; }

    /// <summary>Per-prediction contributions for a sample of test rows (linear and tree models of binary and regression tasks); null otherwise.</summary>
    public Keel.Evaluation.Importance.ContributionSample? Contributions { get; init; }

    /// <summary>The selected candidate's learning curve (evaluation.learning_curve); null when not asked for.</summary>
    public Keel.Evaluation.Diagnosis.LearningCurveResult? LearningCurve { get; init; }

    /// <summary>Training, validation and test error of the selected candidate beside the best baseline and evaluation.human_level.</summary>
    public Keel.Evaluation.Diagnosis.BiasVarianceResult? BiasVariance { get; init; }

    /// <summary>Capability vs alignment: the selected model against the runner-up, and the registered model against the champion. Default: none.</summary>
    public IReadOnlyList<Keel.Evaluation.Diagnosis.QuadrantResult> Quadrants { get; init; } = [];
}

/// <summary>The selected model's inputs to its full test evaluation.</summary>
/// <remarks>TestTable: the test rows of the whole table (features and other columns), aligned with TestTruth. Others: the other models'
/// test predictions, runner-up first. Validation*: the selected model as trained on train only (calibration and conformal need rows it
/// has not seen; a refitted model has seen validation), with its test predictions.</remarks>
public sealed record SelectedModelInput(string Name, Table TestTable, EncodedLabels TestTruth, Predictions Test, string Metric,
    IReadOnlyList<(string Name, Predictions Test)> Others,
    EncodedLabels? ValidationTruth, Predictions? TrainOnlyValidation, Predictions? TrainOnlyTest)
{
    /// <summary>Whether <see cref="Test"/> comes from the model refitted on train + validation rather than the candidate itself.</summary>
    public bool Refitted { get; init; }

    /// <summary>When the registered model carries a stored calibration (and <see cref="Test"/> is calibrated): its test predictions
    /// without it. Default null.</summary>
    public Predictions? Uncalibrated { get; init; }
}

/// <summary>Builds <see cref="TestReport"/>s.</summary>
public static class TestEvaluator
{
    /// <summary>Intervals only (every model that is not selected).</summary>
    public static TestReport Intervals(string name, EncodedLabels truth, Predictions test, BootstrapOptions options) => new()
    {
        Candidate = name,
        Rows = truth.Count,
        Bootstrap = options,
        Intervals = Bootstrap.MetricIntervals(truth, test, options),
    };

    /// <summary>The full evaluation of the selected model.</summary>
    public static TestReport Selected(SelectedModelInput input, EvaluationOptions options)
    {
        var truth = input.TestTruth;
        var boot = options.Bootstrap;
        var comparisons = new List<Comparison>();
        foreach (var (name, other) in input.Others)
        {
            comparisons.Add(Significance.Significance.Compare(input.Name, name, truth, input.Test, other, input.Metric, boot));
            if (truth.Task != TaskKind.Regression && input.Metric != "accuracy")
                comparisons.Add(Significance.Significance.Compare(input.Name, name, truth, input.Test, other, "accuracy", boot));
        }
        var slices = options.Slices.SelectMany(c => SliceMetrics.Compute(input.TestTable[c], truth, input.Test, boot, minRows: options.MinSliceRows)).ToArray();
        var simpson = input.Others.Count == 0 ? [] : options.Slices
            .Select(c => SimpsonCheck.Check(input.TestTable[c], truth, input.Name, input.Test, input.Others[0].Name, input.Others[0].Test, input.Metric))
            .ToArray();
        return Intervals(input.Name, truth, input.Test, boot) with
        {
            TrainOnlyIntervals = input.Refitted && input.TrainOnlyTest is { } own ? Bootstrap.MetricIntervals(truth, own, boot) : null,
            Comparisons = comparisons,
            Calibration = truth.Task == TaskKind.Binary ? Calibrate(input, options.Calibrate) : null,
            Slices = slices,
            MinSliceRows = options.MinSliceRows,
            WeakSegments = WeakSegments.Search(input.TestTable, truth, input.Test, options.WeakSegments),
            Simpson = simpson,
            Fairness = options.Sensitive.Select(c => FairnessAudit.Audit(input.TestTable[c], truth, input.Test, boot)).ToArray(),
            Conformal = input.ValidationTruth is { Count: > 0 } vt && input.TrainOnlyValidation is { } vp && input.TrainOnlyTest is { } tp
                ? SplitConformal.Evaluate(vt, vp, truth, tp, options.Coverage)
                : null,
        };
    }

    private static CalibrationResult Calibrate(SelectedModelInput input, string? method)
    {
        var y = input.TestTruth.ClassIndices!;
        var p = P1(input.Uncalibrated ?? input.Test);
        var uniform = Reliability.Curve(y, p);
        var result = new CalibrationResult(Reliability.ExpectedCalibrationError(uniform), Brier(y, p), uniform,
            Reliability.Curve(y, p, 10, "quantile"), null, null, null, null);
        if (method is not null && input.Uncalibrated is not null)
        {
            var stored = P1(input.Test);
            var storedCurve = Reliability.Curve(y, stored);
            return result with { Method = method, EceAfter = Reliability.ExpectedCalibrationError(storedCurve), BrierAfter = Brier(y, stored), UniformAfter = storedCurve, Stored = true };
        }
        if (method is null || input.ValidationTruth is not { Count: > 0 } vt || input.TrainOnlyValidation is not { } vp || input.TrainOnlyTest is not { } tp)
            return result;
        var calibrator = Calibrators.Fit(method, vt.ClassIndices!, P1(vp));
        var after = calibrator.Apply(P1(tp));
        var curve = Reliability.Curve(y, after);
        return result with { Method = method, EceAfter = Reliability.ExpectedCalibrationError(curve), BrierAfter = Brier(y, after), UniformAfter = curve };
    }

    private static double[] P1(Predictions p) => p.Probabilities!.Select(r => r[1]).ToArray();

    private static double Brier(int[] y, double[] p) => y.Select((t, i) => (t - p[i]) * (t - p[i])).Sum() / y.Length;
}
