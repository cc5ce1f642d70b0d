using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation;
using Keel.Evaluation.Calibration;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>The decision rule a run stores with its binary model: evaluation.calibrate and evaluation.threshold, both fitted on validation
/// with the selected model as trained on train only (a refitted model has seen validation).</summary>
internal static class DecisionStep
{
    /// <summary>The rule and what it achieved on validation; null when the spec asks for neither or the task is not binary.</summary>
    public static (DecisionRule Rule, DecisionResult Result)? Choose(PreparedRun run, CandidateOutcome selected)
    {
        var e = run.Spec.Evaluation;
        if (run.Task != TaskKind.Binary || (e.Calibrate is null && e.Threshold is null) || run.Split.Validation.Length == 0) return null;
        var truth = run.Label.Labels.Take(run.Split.Validation).ClassIndices!;
        var p1 = selected.Model.Predict(run.Features.Take(run.Split.Validation)).Probabilities!.Select(r => r[1]).ToArray();
        ProbabilityCalibration? calibration = null;
        if (e.Calibrate is { } method)
        {
            var calibrator = Calibrators.Fit(method, truth, p1);
            calibration = calibrator.State;
            p1 = calibrator.Apply(p1);
        }
        ThresholdChoice? choice = e.Threshold is { } objective ? Thresholds.Choose(truth, p1, objective) : null;
        var rule = new DecisionRule { Calibration = calibration, Threshold = choice?.Threshold, Objective = e.Threshold?.ToString() };
        return (rule, new DecisionResult(e.Calibrate, choice?.Threshold, rule.Objective, truth.Length, choice?.Value, choice?.Precision, choice?.Recall));
    }

    /// <summary>The final model with the rule: its package stores it, its test predictions and metrics are the model's as served.</summary>
    public static CandidateOutcome Apply(PreparedRun run, CandidateOutcome final, DecisionRule rule)
    {
        var model = ModelPackage.WithDecision(final.Model, rule);
        using var ms = new MemoryStream();
        ModelPackage.Save(model, ms, run.MissingTokens);
        var bytes = ms.ToArray();
        var predictions = rule.Apply(final.TestPredictions);
        var test = Evaluator.Evaluate(run.Label.Labels.Take(run.Split.Test), predictions);
        return final with
        {
            ModelBytes = bytes.LongLength,
            TestMetrics = test.Metrics,
            TestEvaluation = test,
            ModelFile = bytes,
            Model = model,
            TestPredictions = predictions,
        };
    }
}
