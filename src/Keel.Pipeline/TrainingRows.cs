using Keel.Core.Models;
using Keel.Training;
using Keel.Training.Featurization;

namespace Keel.Pipeline;

/// <summary>The rows a candidate fits on, watches and is scored on, as keel run prepares them: the pool's weak-labelled and
/// self-trained rows, augmentation, rebalancing, data.weight and imbalance.class_weight. Shared by <see cref="CandidateTrainer"/> and
/// the search's trials, so a trial fits and scores exactly what keel run would for the same options.</summary>
internal sealed class TrainingRows(PreparedRun run)
{
    /// <summary>One cv fold's rows: its training rows, the rows it is scored on (and their data.weight, or null), and (for candidates
    /// that use validation rows) the inner split of its training rows; one feature cache per fold.</summary>
    public sealed record CvFold(TrainingData Train, TrainingData Validation, double[]? ValidationWeights, TrainingData? InnerTrain, TrainingData? InnerValidation, FeatureCache Cache);

    /// <summary>The rows' features and labels, unweighted.</summary>
    public TrainingData Slice(IReadOnlyList<int> rows) => new(run.Features.Take(rows), run.Label.Labels.Take(rows));

    /// <summary>data.weight's values of <paramref name="rows"/>, or null without data.weight: what validation and test metrics weigh.</summary>
    public double[]? RowWeights(IReadOnlyList<int> rows) => run.Weights is { } w ? rows.Select(r => w[r]).ToArray() : null;

    /// <summary>Rows a candidate watches (early stopping, calibration) carrying their example weights (see <see cref="Weighted"/>).</summary>
    public TrainingData Watched(IReadOnlyList<int> rows) => Weighted(Slice(rows), rows);

    /// <summary>The rows' example weights: data.weight (its rows are the slice's: weights exclude resampling and augmentation;
    /// pool rows added after them weigh 1) times imbalance.class_weight.</summary>
    private TrainingData Weighted(TrainingData slice, IReadOnlyList<int> rows)
    {
        var own = RowWeights(rows);
        if (own is not null && own.Length < slice.Features.RowCount) own = [.. own, .. Enumerable.Repeat(1.0, slice.Features.RowCount - own.Length)];
        return slice with { Weights = TrainingWeights.ForTraining(run.Spec, slice.Labels, own) };
    }

    /// <summary>Training rows: the slice with the pool's weak-labelled rows and (given a trainer and labels.self_training) its
    /// self-trained rows after it, augmented and rebalanced by the spec (training rows only, never validation or test), weighted.</summary>
    public TrainingData Train(IReadOnlyList<int> rows, Candidate? selfTrainer = null)
    {
        var slice = Slice(rows);
        if (run.Pool is { } pool)
        {
            if (pool.WeakRows.Length > 0)
                slice = new TrainingData(Labels.UnlabelledPool.Concat(slice.Features, pool.Features.Take(pool.WeakRows)), Labels.UnlabelledPool.Concat(slice.Labels, pool.WeakLabels));
            if (selfTrainer is not null && run.Spec.Labels!.SelfTraining is { } st)
            {
                var weak = new HashSet<int>(pool.WeakRows);
                var rest = Enumerable.Range(0, pool.Features.RowCount).Where(r => !weak.Contains(r)).ToArray();
                (slice, var selfTrained) = Labels.SelfTraining.Run(selfTrainer.Trainer, slice, pool.Features.Take(rest), st, run.Context());
                SelfTrained = selfTrained;
            }
        }
        slice = Augmented(slice);
        if (run.Spec.Imbalance is not { Method: { } method } imbalance) return Weighted(slice, rows);
        var (features, labels, summary) = Keel.Data.Imbalance.Resampler.Resample(slice.Features, slice.Labels, new Keel.Data.Imbalance.ImbalanceOptions
        {
            Method = method == "smote_nc" ? Keel.Data.Imbalance.ImbalanceMethod.SmoteNc : Enum.Parse<Keel.Data.Imbalance.ImbalanceMethod>(method, ignoreCase: true),
            K = imbalance.K,
            Seed = imbalance.Seed ?? run.Seed,
        });
        Resampled = summary;
        // Class weights are counted on the rebalanced rows (data.weight cannot be combined with resampling).
        return new TrainingData(features, labels) { Weights = TrainingWeights.ForTraining(run.Spec, labels, null) };
    }

    /// <summary>The spec's augment section applied: perturbed copies of training rows after the originals.</summary>
    private TrainingData Augmented(TrainingData slice)
    {
        if (run.Spec.Augment is not { } a) return slice;
        var (features, labels) = Keel.Data.Augmentation.Augmenter.Augment(slice.Features, slice.Labels, new Keel.Data.Augmentation.AugmentOptions
        {
            Copies = a.Copies,
            Noise = a.Noise,
            Swaps = a.Swaps,
            Seed = a.Seed ?? run.Seed,
        });
        return new TrainingData(features, labels);
    }

    /// <summary>The run's cv folds (<see cref="PreparedRun.Selection"/>): each fold's training rows as <see cref="Train"/> prepares them,
    /// its validation rows unweighted for scoring, and its inner split (<see cref="SelectionPlan.Inner"/>) where it has one.</summary>
    public CvFold[] CvFolds() => run.Selection.Folds.Select((f, i) =>
    {
        var inner = i < run.Selection.Inner.Count ? run.Selection.Inner[i] : null;
        return new CvFold(Train(f.Train), Slice(f.Validation), RowWeights(f.Validation),
            inner is null ? null : Train(inner.Train), inner is null ? null : Watched(inner.Validation), new FeatureCache());
    }).ToArray();

    /// <summary>What the last self-training did, or null without labels.self_training.</summary>
    public Labels.SelfTrainingSummary? SelfTrained { get; private set; }

    /// <summary>Rows per class before and after the last rebalancing, or null without an imbalance section.</summary>
    public Keel.Data.Imbalance.ResampleSummary? Resampled { get; private set; }
}
