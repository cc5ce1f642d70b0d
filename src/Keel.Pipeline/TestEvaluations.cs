using Keel.Core.Metrics;
using Keel.Evaluation;
using Keel.Evaluation.ErrorAnalysis;

namespace Keel.Pipeline;

/// <summary>The evaluation step of a run: every model's test intervals, and the selected (final) model's full evaluation.</summary>
internal static class TestEvaluations
{
    /// <summary>Test reports by model name; the selected model's describes the final (refitted) model, its calibration and conformal
    /// parts the selected model as trained on train only (they need validation rows the model has not seen).</summary>
    /// <remarks>refitted: whether the final model was refitted on train + validation; uncalibrated: the final model's test predictions
    /// without its stored calibration, or null when it has none; decision: the decision rule stored with the final model, or null;
    /// champion: the registry champion's test predictions (compared as "champion"), or null.</remarks>
    public static IReadOnlyDictionary<string, TestReport> Evaluate(PreparedRun run, IReadOnlyList<CandidateOutcome> outcomes,
        CandidateOutcome selected, CandidateOutcome final, bool refitted, Keel.Core.Models.Predictions? uncalibrated, DecisionResult? decision,
        Keel.Core.Models.Predictions? champion = null)
    {
        var options = RunPreparation.EvaluationOptions(run.Spec);
        var truth = run.Label.Labels.Take(run.Split.Test);
        var info = MetricCatalog.Get(run.Metric);
        var others = CandidateOrder.Rank(outcomes.Where(o => o.Name != selected.Name).ToArray(),
                o => o.ValidationMetrics.TryGetValue(run.Metric, out var v) ? v : null, info.HigherIsBetter)
            .Select(o => (o.Name, o.TestPredictions)).ToList();
        if (champion is not null) others.Add((Gates.Champion, champion));
        var trainRows = TrainTestDiagnosis.TrainRows(run.Split.Train, run.Seed);
        var (biasVariance, trainVsTest) = TrainTestDiagnosis.Diagnose(selected.Name, run.Metric, selected.Model,
            (run.Features.Take(trainRows), run.Label.Labels.Take(trainRows)), selected.ValidationMetrics.Count > 0 ? selected.ValidationMetrics : null,
            selected.TestMetrics, outcomes.Where(o => o.Baseline && o.TestMetrics.ContainsKey(run.Metric)).Select(o => (o.Name, o.TestMetrics[run.Metric])).ToArray(),
            run.Spec.Evaluation.HumanLevel, run.Weights is { } w ? trainRows.Select(r => w[r]).ToArray() : null);
        var validation = run.Split.Validation;
        var result = new Dictionary<string, TestReport>(StringComparer.Ordinal);
        foreach (var o in outcomes.Where(o => o.Name != selected.Name))
            result[o.Name] = TestEvaluator.Intervals(o.Name, truth, o.TestPredictions, options.Bootstrap);
        result[selected.Name] = TestEvaluator.Selected(new SelectedModelInput(
            selected.Name,
            run.Table.Take(run.Split.Test).Drop([run.Spec.Data.Label]),
            truth,
            final.TestPredictions,
            run.Metric,
            others,
            validation.Length > 0 ? run.Label.Labels.Take(validation) : null,
            validation.Length > 0 ? selected.Model.Predict(run.Features.Take(validation)) : null,
            selected.TestPredictions) { Refitted = refitted, Uncalibrated = uncalibrated }, options) with
        {
            Decision = decision,
            Tags = run.Spec.Evaluation.Tags.Count == 0 ? [] : TagAnalysis.Analyze(truth, final.TestPredictions, others,
                TagResolver.Resolve(run.Spec.Evaluation.Tags, run.Table.Take(run.Split.Test), i => $"evaluation.tags[{i}]", Path.GetFileName(run.Data.Path))),
            Behaviour = BehaviourStep.Run(run, final.Model, run.Features.Take(run.Split.Test), final.TestPredictions),
            Importance = ImportanceStep.Run(run, final.Model, run.Features.Take(run.Split.Test), truth),
            Contributions = ContributionStep.Run(final.Model, run.Features.Take(run.Split.Test), truth, final.TestPredictions),
            BiasVariance = biasVariance,
            Quadrants = [.. Quadrants(run, outcomes, selected, final, others, champion), .. trainVsTest is null ? [] : new[] { trainVsTest }],
        };
        return result;
    }

    /// <summary>Capability vs alignment: the selected candidate against the runner-up (both trained on train only), and the registered
    /// model against the registry champion (the train-vs-test pair comes from <see cref="TrainTestDiagnosis"/>).</summary>
    private static IReadOnlyList<Keel.Evaluation.Diagnosis.QuadrantResult> Quadrants(PreparedRun run, IReadOnlyList<CandidateOutcome> outcomes,
        CandidateOutcome selected, CandidateOutcome final, IReadOnlyList<(string Name, Keel.Core.Models.Predictions Test)> others, Keel.Core.Models.Predictions? champion)
    {
        var list = new List<Keel.Evaluation.Diagnosis.QuadrantResult>();
        if (others.Count > 0 && others[0].Name != Gates.Champion && outcomes.FirstOrDefault(o => o.Name == others[0].Name) is { } runnerUp
            && Keel.Evaluation.Diagnosis.Diagnoses.Quadrant(selected.Name, selected.TestMetrics, runnerUp.Name, runnerUp.TestMetrics, run.Metric) is { } q)
            list.Add(q);
        if (champion is not null && Keel.Evaluation.Diagnosis.Diagnoses.Quadrant("challenger (registered model)", final.TestMetrics, Gates.Champion,
                Evaluator.Evaluate(run.Label.Labels.Take(run.Split.Test), champion).Metrics, run.Metric) is { } c)
            list.Add(c);
        return list;
    }
}
