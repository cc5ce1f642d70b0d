using Keel.Core.Models;
using Keel.Evaluation.Slices;

namespace Keel.Evaluation.ErrorAnalysis;

/// <summary>One tag to analyse: the test rows that have it and what it is weighed against.</summary>
/// <param name="Name">The tag, e.g. "Home = rent" or "low_income_renter".</param>
/// <param name="Mask">Per test row: whether it has the tag.</param>
/// <param name="Reference">The error rate (classification) or mean absolute error (regression) thought reachable on the tag: a human-level
/// or existing-system figure; null: the best model of the run on the tag's rows.</param>
/// <param name="Ease">How easy the tag is to work on (a weight, higher is easier). 1 when not given.</param>
/// <param name="Importance">How much the tag matters (a weight). 1 when not given.</param>
public sealed record TagInput(string Name, bool[] Mask, double? Reference, double Ease = 1, double Importance = 1);

/// <summary>Error analysis of one tag (the manual process of the lifecycle notes: tag the errors, count, prioritise).</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Rows">Test rows with the tag.</param>
/// <param name="ShareOfData">Rows with the tag / all test rows.</param>
/// <param name="ShareOfErrors">Errors (regression: absolute error) on the tag / all errors.</param>
/// <param name="ErrorRate">Error rate (regression: mean absolute error) within the tag; NaN when it has no rows.</param>
/// <param name="Reference">What the tag is held against.</param>
/// <param name="ReferenceSource">"given" or "best model: NAME".</param>
/// <param name="Room">Room for improvement: max(0, error rate − reference).</param>
/// <param name="Ease">Ease weight.</param>
/// <param name="Importance">Importance weight.</param>
/// <param name="Priority">Room × share of data × ease × importance: how much the overall error would fall if the tag reached its
/// reference, weighted.</param>
public sealed record TagResult(string Tag, int Rows, double ShareOfData, double ShareOfErrors, double ErrorRate, double Reference, string ReferenceSource,
    double Room, double Ease, double Importance, double Priority);

/// <summary>Error analysis by tags: per tag the share of errors, the error rate, the share of data and the room for improvement,
/// ordered by priority.</summary>
public static class TagAnalysis
{
    /// <summary>Analyses <paramref name="tags"/> for the selected model's <paramref name="predictions"/>; <paramref name="others"/>
    /// (the run's other models on the same rows) give the reference of tags without one.</summary>
    public static IReadOnlyList<TagResult> Analyze(EncodedLabels truth, Predictions predictions, IReadOnlyList<(string Name, Predictions Test)> others,
        IReadOnlyList<TagInput> tags)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(tags);
        var loss = WeakSegments.Loss(truth, predictions);
        var otherLoss = others.Select(o => (o.Name, Loss: WeakSegments.Loss(truth, o.Test))).ToArray();
        var total = loss.Sum();
        var n = loss.Length;
        var results = new List<TagResult>();
        foreach (var tag in tags)
        {
            var rows = Enumerable.Range(0, n).Where(i => tag.Mask[i]).ToArray();
            var errors = rows.Sum(i => loss[i]);
            var rate = rows.Length == 0 ? double.NaN : errors / rows.Length;
            double reference;
            string source;
            if (tag.Reference is { } given)
            {
                (reference, source) = (given, "given");
            }
            else
            {
                // The best of the run's models on the tag's rows, the selected one included (room 0 when it is the best).
                (reference, source) = (rate, "best model: selected");
                foreach (var (name, l) in otherLoss)
                {
                    var r = rows.Length == 0 ? double.NaN : rows.Sum(i => l[i]) / rows.Length;
                    if (r < reference) (reference, source) = (r, $"best model: {name}");
                }
            }
            var room = double.IsNaN(rate) ? 0 : Math.Max(0, rate - reference);
            var share = n == 0 ? 0 : (double)rows.Length / n;
            results.Add(new TagResult(tag.Name, rows.Length, share, total > 0 ? errors / total : 0, rate, reference, source,
                room, tag.Ease, tag.Importance, room * share * tag.Ease * tag.Importance));
        }
        return results.OrderByDescending(r => r.Priority).ThenByDescending(r => r.ShareOfErrors).ThenBy(r => r.Tag, StringComparer.Ordinal).ToArray();
    }
}
