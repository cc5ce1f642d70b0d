using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation;
using Keel.Evaluation.Diagnosis;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>The selected candidate as trained on train only, scored on its training, validation and test rows: the bias/variance
/// table and the train-vs-test capability/alignment quadrant. <c>keel run</c> and <c>keel evaluate</c> both call it.</summary>
internal static class TrainTestDiagnosis
{
    /// <summary>The training error is measured on at most this many training rows (a seeded sample beyond).</summary>
    public const int TrainErrorRows = 100_000;

    /// <summary>Trainer types that are baselines (compared in the bias/variance table as the best baseline).</summary>
    public static bool IsBaselineType(string type) => type is "random" or "zero_rule" or "heuristic";

    /// <summary>The training rows the training error is measured on: all, or a seeded sample of <see cref="TrainErrorRows"/> kept in split order.</summary>
    public static int[] TrainRows(int[] train, int seed) => train.Length <= TrainErrorRows ? train
        : Keel.Evaluation.Importance.PermutationImportance.Permutations(train.Length, 1, (ulong)seed)[0].Take(TrainErrorRows).Order().Select(i => train[i]).ToArray();

    /// <summary>The bias/variance table and the quadrant of "<paramref name="candidate"/> on test" against "on train".</summary>
    /// <param name="candidate">The selected candidate's name.</param>
    /// <param name="metric">The selection metric.</param>
    /// <param name="model">The candidate as trained on train only.</param>
    /// <param name="train">Training rows (features with or without the label) and their labels.</param>
    /// <param name="validation">Its validation metrics; null without validation rows.</param>
    /// <param name="test">Its test metrics (on the run's test split or the rows evaluated).</param>
    /// <param name="baselines">Each baseline's test value of the metric.</param>
    /// <param name="humanLevel">evaluation.human_level, or null.</param>
    /// <param name="trainWeights">data.weight of the training rows (validation and test metrics are then weighted too), or null.</param>
    public static (BiasVarianceResult? BiasVariance, QuadrantResult? TrainVsTest) Diagnose(string candidate, string metric, IFittedModel model,
        (Table Features, EncodedLabels Labels) train, IReadOnlyDictionary<string, double>? validation, IReadOnlyDictionary<string, double> test,
        IReadOnlyList<(string Name, double Test)> baselines, double? humanLevel, double[]? trainWeights = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Labels.Count == 0) return (null, null);
        var trained = Evaluator.Evaluate(train.Labels, model.Predict(train.Features), trainWeights).Metrics;
        var quadrant = Diagnoses.Quadrant($"{candidate} on test", test, $"{candidate} on train", trained, metric);
        if (!trained.TryGetValue(metric, out var tr) || !test.TryGetValue(metric, out var te)) return (null, quadrant);
        double? va = validation is not null && validation.TryGetValue(metric, out var v) ? v : null;
        return (Diagnoses.BiasVariance(metric, tr, va, te, baselines, humanLevel), quadrant);
    }
}
