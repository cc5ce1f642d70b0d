using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Data;

namespace Keel.Pipeline;

/// <summary>How a run compares its candidates: cross-validation folds over the training rows, or the one validation split.</summary>
/// <param name="Mode">cv or validation.</param>
/// <param name="Folds">The folds (table row indices, training rows only) when cv; empty otherwise.</param>
/// <param name="Kind">The kind of folds (stratified, grouped, forward, random) when cv; null otherwise.</param>
/// <param name="Reason">Why this mode: asked for in the spec, or the default rule's verdict.</param>
public sealed record SelectionPlan(SelectionMode Mode, IReadOnlyList<Fold> Folds, FoldKind? Kind, string Reason)
{
    /// <summary>The default is cv when training rows × candidates is at most this (e.g. 33,333 rows with the six default candidates):
    /// k-fold costs k + 1 fits per candidate, affordable on small sets where one validation split is also noisiest.</summary>
    public const long CvBudget = 200_000;

    /// <summary>A candidate that uses validation rows (early stopping, forest calibration) gets, inside each fold, the last of this many
    /// inner folds of the fold's training rows as its validation rows (a fifth, as the default validation_fraction), never the
    /// fold's scored rows: choosing the stopping round on the rows that score the fold made boosted candidates look better in cv than
    /// on unseen rows.</summary>
    public const int InnerFolds = 5;

    /// <summary>Per fold (in fold order), the inner split of its training rows for candidates that use validation rows: the inner
    /// fold's train and validation rows (stratified, grouped or forward chained like the folds); null where the fold's training rows
    /// are too few for it, and such candidates then fit on the fold's training rows without validation rows.</summary>
    public IReadOnlyList<Fold?> Inner { get; init; } = [];

    /// <summary>Selection on the validation split.</summary>
    public static SelectionPlan Validation(string reason) => new(SelectionMode.Validation, [], null, reason);

    /// <summary>The lower-case name of the mode, as the spec, the run's params and <c>--json</c> write it.</summary>
    public string Name => Mode == SelectionMode.Cv ? "cv" : "validation";

    /// <summary>Decides the selection mode of a run and, for cv, makes its folds over train + validation (never test).</summary>
    /// <exception cref="KeelInputException">split.selection: cv with a section that needs validation rows, or folds that cannot be made.</exception>
    internal static (SelectionPlan Plan, SplitResult Split) Choose(KeelSpec spec, string specName, Table table, LabelInfo label,
        SplitStrategy strategy, SplitResult split, int candidates, string metric)
    {
        var training = split.Train.Length + split.Validation.Length;
        var needsValidation = NeedsValidation(spec);
        if (spec.Split.Selection == SelectionMode.Validation) return (Validation("split.selection: validation"), split);
        if (spec.Split.Selection is null)
        {
            string? reason = candidates < 2 ? "a single candidate"
                : needsValidation is { } field ? $"{field} needs validation rows"
                : !spec.Split.Refit ? "split.refit: false keeps the model trained on train only"
                : spec.Data.Weight is not null ? "data.weight weighs validation metrics, which the folds do not"
                : spec.Labels?.SelfTraining is not null ? "labels.self_training trains per candidate on the train split"
                : (long)training * candidates > CvBudget ? $"{training} training rows × {candidates} candidates > {CvBudget}"
                : null;
            if (reason is not null) return (Validation($"default: {reason}"), split);
        }
        else if (needsValidation is { } field)
        {
            throw new KeelInputException($"{specName} field 'split.selection': cv folds every training row, but {field} needs a validation split; expected split.selection: validation.");
        }

        var kind = strategy == SplitStrategy.Time ? FoldKind.Forward
            : spec.Data.GroupColumn is not null ? FoldKind.Grouped
            : label.Task != TaskKind.Regression ? FoldKind.Stratified
            : FoldKind.Random;
        var rows = split.Train.Concat(split.Validation).Order().ToArray();
        IReadOnlyList<Fold> folds;
        try
        {
            folds = Keel.Data.Folds.Make(rows, Request());
        }
        catch (KeelInputException e) when (spec.Split.Selection is null)
        {
            // The default never fails a run that validation selection can serve: too few rows, groups or times for the folds.
            return (Validation($"default: no {spec.Split.Folds} folds: {e.Message}"), split);
        }
        FoldRequest Request() => new()
        {
            Kind = kind,
            K = spec.Split.Folds,
            Seed = spec.Split.Seed ?? spec.Seed,
            Classes = label.Labels.ClassIndices,
            Group = spec.Data.GroupColumn is { } g ? table[g] : null,
            Time = spec.Data.TimeColumn is { } t ? table[t] : null,
            SourceName = specName,
        };
        if (MissingClass(folds, label, metric) is { } missing)
        {
            if (spec.Split.Selection is null) return (Validation($"default: {missing}"), split);
            throw new KeelInputException($"{specName} field 'split.selection': {missing}, so no candidate could be chosen; expected split.selection: validation, fewer split.folds, or a metric such as {(label.Task == TaskKind.Binary ? "log_loss" : "macro_f1")}.");
        }
        var why = spec.Split.Selection is null ? $"default: {training} training rows × {candidates} candidates ≤ {CvBudget}" : "split.selection: cv";
        var inner = folds.Select(f => InnerFold(f.Train, Request() with { K = InnerFolds })).ToArray();
        return (new SelectionPlan(SelectionMode.Cv, folds, kind, why) { Inner = inner }, new SplitResult(rows, [], split.Test));
    }

    /// <summary>The inner split of one fold's training rows: the last inner fold (for forward chaining the newest rows), or null when
    /// the rows cannot make the inner folds.</summary>
    internal static Fold? InnerFold(int[] rows, FoldRequest request)
    {
        try
        {
            return Keel.Data.Folds.Make(rows, request)[^1];
        }
        catch (KeelInputException)
        {
            return null;
        }
    }

    /// <summary>For a metric that needs every class (auc, pr_auc, auc_ovr_macro): which fold's validation rows lack a class; else null.</summary>
    private static string? MissingClass(IReadOnlyList<Fold> folds, LabelInfo label, string metric)
    {
        if (label.Labels.ClassIndices is not { } classes || metric is not ("auc" or "pr_auc" or "auc_ovr_macro")) return null;
        foreach (var fold in folds)
        {
            var present = fold.Validation.Select(r => classes[r]).Distinct().Count();
            if (present < label.Labels.Classes.Count)
                return $"{metric} is undefined on cv fold {fold.Index}, whose {fold.Validation.Length} validation rows hold {present} of the {label.Labels.Classes.Count} classes";
        }
        return null;
    }

    /// <summary>The first spec field whose work is fitted or measured on the validation split, or null.</summary>
    private static string? NeedsValidation(KeelSpec spec) =>
        spec.Evaluation.Calibrate is not null ? "evaluation.calibrate"
        : spec.Evaluation.Threshold is not null ? "evaluation.threshold"
        : spec.Evaluation.LearningCurve ? "evaluation.learning_curve"
        : null;
}
