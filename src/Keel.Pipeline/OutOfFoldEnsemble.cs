using System.Globalization;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Evaluation;

namespace Keel.Pipeline;

/// <summary>The out-of-fold ensemble of a cv run with the default candidates: ensemble selection (<see cref="EnsembleSelection"/>)
/// over the non-baseline candidates' out-of-fold predictions, offered as one more candidate, a voting ensemble of their final models.</summary>
/// <remarks>
/// Its cv figure is nested, so it is as honest as the others': for fold k the weights are chosen on the out-of-fold predictions of the
/// other folds' rows only and then score fold k's rows, whose predictions come from models that never trained on them; fold k's labels
/// never choose a weight that scores fold k. The shipped weights are chosen on every training row's out-of-fold prediction. It costs no
/// extra fit: the members are the candidates' own models, already fitted on every training row. Not for forward-chaining folds (the
/// other folds' rows would include later rows) nor when the spec lists its own models (<see cref="PreparedRun.OffersEnsemble"/>); a search's
/// final run offers it over each family's best trial, as auto-sklearn and AutoGluon ensemble after a search.
/// </remarks>
internal static class OutOfFoldEnsemble
{
    /// <summary>The candidate's name on the leaderboard.</summary>
    public const string Name = "ensemble";

    /// <summary>The chosen members (indices into the outcomes), their integer weights and the nested cross-validation.</summary>
    public sealed record Plan(int[] Members, int[] Weights, CrossValidation CrossValidation);

    /// <summary>The ensemble for <paramref name="outcomes"/>, or null when it does not apply or selection keeps a single candidate
    /// (then it would be that candidate).</summary>
    public static Plan? Choose(PreparedRun run, IReadOnlyList<CandidateOutcome> outcomes)
    {
        if (run.Selection.Mode != SelectionMode.Cv || run.Selection.Kind == Keel.Data.FoldKind.Forward || !run.OffersEnsemble) return null;
        var pool = Enumerable.Range(0, outcomes.Count).Where(i => !outcomes[i].Baseline && outcomes[i].CrossValidation?.OutOfFold is not null).ToArray();
        if (pool.Length < 2) return null;
        var rows = outcomes[pool[0]].CrossValidation!.OutOfFold.Rows;
        if (pool.Any(i => !outcomes[i].CrossValidation!.OutOfFold.Rows.SequenceEqual(rows))) return null;
        var predictions = pool.Select(i => outcomes[i].CrossValidation!.OutOfFold.Predictions).ToArray();
        var truth = run.Label.Labels.Take(rows);
        var weights = EnsembleSelection.Choose(predictions, truth, run.Metric);
        if (weights is null || weights.Count(w => w > 0) < 2) return null;

        var position = new Dictionary<int, int>(rows.Length);
        for (var p = 0; p < rows.Length; p++) position[rows[p]] = p;
        var foldMetrics = new List<IReadOnlyDictionary<string, double>>();
        foreach (var fold in run.Selection.Folds)
        {
            var held = new HashSet<int>(fold.Validation);
            var choose = Enumerable.Range(0, rows.Length).Where(p => !held.Contains(rows[p])).ToArray();
            var scored = fold.Validation.Select(r => position[r]).ToArray();
            var w = EnsembleSelection.Choose(predictions.Select(q => q.Take(choose)).ToArray(), truth.Take(choose), run.Metric);
            if (w is null) return null;
            var blended = PredictionBlend.WeightedMean(predictions.Select(q => q.Take(scored)).ToArray(), w.Select(x => (double)x).ToArray());
            foldMetrics.Add(Evaluator.Evaluate(truth.Take(scored), blended).Metrics);
        }
        var members = Enumerable.Range(0, pool.Length).Where(m => weights[m] > 0).ToArray();
        var blend = PredictionBlend.WeightedMean(members.Select(m => predictions[m]).ToArray(), members.Select(m => (double)weights[m]).ToArray());
        var cv = CrossValidation.Summarise(foldMetrics) with { OutOfFold = new OutOfFoldPredictions(rows, blend) };
        return new Plan(members.Select(m => pool[m]).ToArray(), members.Select(m => weights[m]).ToArray(), cv);
    }

    /// <summary>The ensemble's parameters: members, weights and how they were chosen.</summary>
    public static IReadOnlyDictionary<string, string> Params(Plan plan, IReadOnlyList<CandidateOutcome> outcomes) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["members"] = string.Join(",", plan.Members.Select(i => outcomes[i].Name)),
        ["weights"] = string.Join(",", plan.Weights.Select(w => w.ToString(CultureInfo.InvariantCulture))),
        ["selection"] = $"greedy forward selection with replacement on out-of-fold predictions, {EnsembleSelection.Steps} steps",
    };
}
