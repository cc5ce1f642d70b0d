using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Ensembles;

/// <summary>The three ensembles Keel trains.</summary>
internal enum EnsembleKind
{
    /// <summary>Soft voting: the weighted mean of the members' probabilities (or values).</summary>
    Voting,

    /// <summary>Stacking: a meta-learner fitted on the members' out-of-fold predictions.</summary>
    Stacking,

    /// <summary>Bagging: replicas of one base trainer, each on its own bootstrap sample, averaged.</summary>
    Bagging,
}

/// <summary>Options of an ensemble trainer.</summary>
internal sealed record EnsembleOptions
{
    /// <summary>Voting: each member's weight. Default null: equal weights.</summary>
    public double[]? Weights { get; init; }

    /// <summary>Stacking: folds of the out-of-fold predictions the meta-learner learns from. Default 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Stacking: L2 penalty of the meta-learner (1/C of a logistic regression, alpha of a ridge). Default 1.</summary>
    public double MetaL2 { get; init; } = 1.0;
}

/// <summary>Fits an ensemble's members (and, for stacking, the meta-learner on their out-of-fold predictions) and returns one model
/// that predicts, saves and loads like any other.</summary>
/// <remarks>Every member gets the same train and validation rows (validation feeds their early stopping, as for any candidate);
/// a bagging replica i trains on a stratified bootstrap of the train rows drawn with the run's seed + i, and with that seed.</remarks>
internal sealed class EnsembleTrainer(EnsembleKind kind, TaskKind task, IReadOnlyList<(string Name, ITrainer Trainer)> members,
    EnsembleOptions options, IReadOnlyDictionary<string, string> effectiveParams, string where) : ITrainer
{
    public string Type => kind.ToString().ToLowerInvariant();
    public bool IsBaseline => false;
    public IReadOnlyDictionary<string, string> EffectiveParams => effectiveParams;

    /// <summary>Whether any member learns from validation rows (they all get the ensemble's).</summary>
    public bool UsesValidation => members.Any(m => m.Trainer.UsesValidation);

    /// <summary>The members with their trainers (bagging: one entry per replica).</summary>
    public IReadOnlyList<(string Name, ITrainer Trainer)> Members => members;

    /// <summary>The ensemble with every member's row-count-dependent defaults fixed for <paramref name="rows"/> training rows, and
    /// its params (MEMBER.OPTION) showing them.</summary>
    public ITrainer ForTrainingRows(long rows) => WithMembers(members.Select(m => (m.Name, m.Trainer.ForTrainingRows(rows))).ToArray());

    /// <summary>The ensemble over <paramref name="changed"/> (the members, each possibly replaced), its params (MEMBER.OPTION)
    /// showing theirs; this one when no member changed.</summary>
    private ITrainer WithMembers((string Name, ITrainer Trainer)[] changed)
    {
        if (changed.Zip(members).All(p => ReferenceEquals(p.First.Trainer, p.Second.Trainer))) return this;
        if (kind != EnsembleKind.Bagging)
        {
            var memberParams = changed.SelectMany(m => m.Trainer.EffectiveParams.Select(p => KeyValuePair.Create($"{m.Name}.{p.Key}", p.Value)));
            return new EnsembleTrainer(kind, task, changed, options, OptionReader.Overlay(effectiveParams, memberParams), where);
        }
        return new EnsembleTrainer(kind, task, changed, options, BaggingParams(changed), where);
    }

    /// <summary>Bagging's params over <paramref name="replicas"/> ("base#1", "base#2", ...): an option every replica shares is recorded
    /// once under the base's name (base.OPTION); one they differ on (a refit's round count, each replica having stopped early on its
    /// own bootstrap) is recorded per replica (base#1.OPTION, base#2.OPTION, ...) instead.</summary>
    private SortedDictionary<string, string> BaggingParams((string Name, ITrainer Trainer)[] replicas)
    {
        var name = replicas[0].Name[..replicas[0].Name.LastIndexOf('#')];
        var merged = OptionReader.Overlay(effectiveParams, []);
        foreach (var (key, value) in replicas[0].Trainer.EffectiveParams)
        {
            if (replicas.All(r => r.Trainer.EffectiveParams.TryGetValue(key, out var v) && v == value))
            {
                merged[$"{name}.{key}"] = value;
                continue;
            }
            merged.Remove($"{name}.{key}");
            foreach (var (replica, trainer) in replicas) merged[$"{replica}.{key}"] = trainer.EffectiveParams[key];
        }
        return merged;
    }

    public FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context)
    {
        if (train.Features.RowCount == 0) throw new KeelInputException($"{where}: {context.SourceName} has no training rows.");
        MetaState? meta = null;
        if (kind == EnsembleKind.Stacking) meta = MetaLearner.Fit(OutOfFold(train, validation, context), train.Labels, options.MetaL2);

        var fits = new FitResult[members.Count];
        for (var m = 0; m < members.Count; m++)
        {
            if (kind == EnsembleKind.Bagging)
            {
                var seed = unchecked(context.Seed + m);
                var rows = Resampling.Bootstrap(train.Labels, seed);
                var sample = new TrainingData(train.Features.Take(rows), train.Labels.Take(rows));
                // Each replica's table is its own: nothing to share through the run's feature cache.
                fits[m] = members[m].Trainer.Fit(sample, validation, context with { Seed = seed, Features = null });
            }
            else fits[m] = members[m].Trainer.Fit(train, validation, context);
        }
        var weights = kind == EnsembleKind.Stacking ? null : options.Weights ?? Enumerable.Repeat(1.0, members.Count).ToArray();
        var state = new EnsembleState(Type, members.Select(m => m.Name).ToArray(), weights, meta);
        var header = new ModelHeader(Type, task, train.Labels.Classes, effectiveParams);
        return new FitResult(new EnsembleModel(header, fits.Select(f => f.Model).ToArray(), state) { MemberFits = fits }, null);
    }

    /// <summary>The members' predictions for every train row from members fitted without that row's fold: the meta-learner's rows.</summary>
    /// <remarks>Each fold's members share one feature cache of their own (their train table is the fold's), dropped after the fold.</remarks>
    private double[][] OutOfFold(TrainingData train, TrainingData? validation, TrainContext context)
    {
        var n = train.Features.RowCount;
        if (options.Folds > n) throw new KeelInputException($"{where}: option 'folds' is {options.Folds}, but {context.SourceName} has only {n} training rows.");
        var fold = Resampling.Folds(train.Labels, options.Folds, context.Seed);
        var width = MetaFeatures.PerMember(task, train.Labels.Classes.Count);
        var x = new double[n][];
        for (var i = 0; i < n; i++) x[i] = new double[width * members.Count];
        for (var f = 0; f < options.Folds; f++)
        {
            var inFold = Enumerable.Range(0, n).Where(i => fold[i] == f).ToArray();
            var outFold = Enumerable.Range(0, n).Where(i => fold[i] != f).ToArray();
            var foldTrain = new TrainingData(train.Features.Take(outFold), train.Labels.Take(outFold));
            var held = train.Features.Take(inFold);
            var foldContext = context with { Features = new Featurization.FeatureCache() };
            for (var m = 0; m < members.Count; m++)
            {
                var model = members[m].Trainer.Fit(foldTrain, validation, foldContext).Model;
                MetaFeatures.Write(model.Predict(held), m, inFold, x);
            }
        }
        return x;
    }

    public ITrainer ForRefit(FitResult fit)
    {
        if (fit.Model is not EnsembleModel { MemberFits: { } fits } || fits.Count != members.Count) return this;
        // Each member trains the rounds it kept, and the ensemble's params say so.
        return WithMembers(members.Select((m, i) => (m.Name, m.Trainer.ForRefit(fits[i]))).ToArray());
    }
}
