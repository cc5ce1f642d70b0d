using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Training;

namespace Keel.Pipeline.Labels;

/// <summary>What self-training did for one fit.</summary>
/// <param name="Threshold">The confidence a pool row needed.</param>
/// <param name="Iterations">Rounds made (the last may have added nothing).</param>
/// <param name="Added">Pool rows added in all (positions in the pool), in the order added.</param>
/// <param name="Confidences">The predicted probability each added row was added with.</param>
/// <param name="AddedPerIteration">Rows added per round.</param>
public sealed record SelfTrainingSummary(double Threshold, int Iterations, int[] Added, double[] Confidences, int[] AddedPerIteration);

/// <summary>Self-training: fit on the labelled training rows, predict the unlabelled pool, add the rows predicted with at least
/// the threshold (with their predicted class), and repeat until a round adds nothing or the rounds run out. Only training rows
/// and the pool are ever seen; validation and test are not inputs.</summary>
public static class SelfTraining
{
    /// <summary>The training rows with the confidently pseudo-labelled pool rows after them, and what was added.</summary>
    public static (TrainingData Train, SelfTrainingSummary Summary) Run(ITrainer trainer, TrainingData train, Table pool, SelfTrainingSpec spec, TrainContext context)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(spec);
        var remaining = Enumerable.Range(0, pool.RowCount).ToList();
        var added = new List<int>();
        var confidences = new List<double>();
        var perIteration = new List<int>();
        var current = train;
        var iterations = 0;
        while (iterations < spec.Iterations && remaining.Count > 0)
        {
            iterations++;
            var model = trainer.Fit(current, null, context).Model;
            var probabilities = model.Predict(pool.Take(remaining)).Probabilities!;
            var rows = new List<int>();
            var classes = new List<int>();
            for (var i = 0; i < remaining.Count; i++)
            {
                var p = probabilities[i];
                var best = 0;
                for (var c = 1; c < p.Length; c++) if (p[c] > p[best]) best = c;
                if (p[best] < spec.Threshold) continue;
                rows.Add(remaining[i]);
                classes.Add(best);
                confidences.Add(p[best]);
            }
            perIteration.Add(rows.Count);
            if (rows.Count == 0) break;
            added.AddRange(rows);
            current = new TrainingData(UnlabelledPool.Concat(current.Features, pool.Take(rows)), UnlabelledPool.Concat(current.Labels, [.. classes]));
            var taken = rows.ToHashSet();
            remaining = remaining.Where(r => !taken.Contains(r)).ToList();
        }
        return (current, new SelfTrainingSummary(spec.Threshold, iterations, [.. added], [.. confidences], [.. perIteration]));
    }
}
