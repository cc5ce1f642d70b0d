using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation;
using Keel.Training;
using Keel.Training.Featurization;

namespace Keel.Pipeline;

/// <summary>Fits one candidate on the train split, times it, and evaluates it on validation and test.</summary>
internal sealed class CandidateTrainer
{
    private readonly PreparedRun _run;
    private readonly TimeProvider _time;
    private readonly TrainingData _train;
    private readonly TrainingData? _validation;
    private readonly Table _testFeatures;
    private readonly EncodedLabels _testLabels;
    private readonly Table _timing;
    private readonly double[]? _validationWeights;
    private readonly double[]? _testWeights;
    private readonly FeatureCache _features = new();
    private readonly TrainingRows _rows;

    /// <summary>Scoring is timed on at least this many rows (test rows repeated when there are fewer).</summary>
    public const int TimingRows = 10_000;

    /// <summary>Timing repeats at least this many times and until <see cref="TimingMinimumSeconds"/> of work; the median counts.</summary>
    public const int TimingRepeats = 7;

    /// <summary>The least total scoring time that the median is taken over.</summary>
    public const double TimingMinimumSeconds = 0.1;

    public CandidateTrainer(PreparedRun run, TimeProvider time)
    {
        _run = run;
        _time = time;
        _rows = new TrainingRows(run);
        _train = _rows.Train(run.Split.Train);
        // Validation rows carry the example weights too: fastforest calibrates on them (other trainers stop early on them unweighted).
        _validation = run.Split.Validation.Length > 0 ? _rows.Watched(run.Split.Validation) : null;
        _testFeatures = run.Features.Take(run.Split.Test);
        _testLabels = run.Label.Labels.Take(run.Split.Test);
        _validationWeights = _rows.RowWeights(run.Split.Validation);
        _testWeights = _rows.RowWeights(run.Split.Test);
        var n = _testFeatures.RowCount;
        _timing = _testFeatures.Take(Enumerable.Range(0, n == 0 ? 0 : TimingRows).Select(i => i % n).ToArray());
    }

    /// <summary>What the last self-training did, or null without labels.self_training.</summary>
    public Labels.SelfTrainingSummary? SelfTrained => _rows.SelfTrained;

    /// <summary>Rows per class before and after the last rebalancing, or null without an imbalance section.</summary>
    public Keel.Data.Imbalance.ResampleSummary? Resampled => _rows.Resampled;

    /// <summary>The features the last fit learned from (rebalanced when the spec says so): what its transforms must match.</summary>
    public Table LastTrainFeatures { get; private set; } = null!;

    /// <summary>Fits <paramref name="candidate"/> on the train split; every candidate shares one featurised matrix per setting.</summary>
    public CandidateOutcome Train(Candidate candidate) => Fit(candidate.Name, candidate.Trainer, candidate.Trainer,
        _run.Spec.Labels?.SelfTraining is null ? _train : _rows.Train(_run.Split.Train, candidate), _validation);

    /// <summary>Fits <paramref name="candidate"/> on every training row after cross-validation: a boosted candidate with early stopping
    /// trains the round count its folds trained (<see cref="CrossValidation.BestIteration"/>, when the folds' mean curve stopped early);
    /// the outcome's validation metrics are the cross-validated means, and <paramref name="cv"/> travels with it.</summary>
    public CandidateOutcome Train(Candidate candidate, CrossValidation cv)
    {
        var trainer = cv.BestIteration is { } best ? candidate.Trainer.WithoutEarlyStopping(best) : candidate.Trainer;
        return Fit(candidate.Name, candidate.Trainer, trainer, _train, validation: null) with { ValidationMetrics = cv.Mean, CrossValidation = cv };
    }

    private TrainingRows.CvFold[]? _folds;

    /// <summary>Fits <paramref name="candidate"/> on each fold's training rows and scores it on the fold's validation rows (the run's
    /// <see cref="PreparedRun.Selection"/> folds); test rows are never used. A candidate that learns from validation rows (calibration)
    /// gets the fold's inner split instead (<see cref="SelectionPlan.Inner"/>), so the rows that score it are never the rows it
    /// calibrated on. A boosted candidate with early stopping trains one round count on every fold, chosen on the folds' mean inner
    /// validation curve (<see cref="CvRounds"/>), each fold fitted on all its training rows. Every candidate shares one featurised
    /// matrix per fold and set of rows.</summary>
    public CrossValidation CrossValidate(Candidate candidate)
    {
        _folds ??= _rows.CvFolds();
        var trainer = candidate.Trainer;
        int? rounds = null;
        Keel.Training.LossCurve?[] curves = [];
        Keel.Training.LossCurve? mean = null;
        if (CvRounds.Applies(trainer))
        {
            var inner = CvRounds.InnerFits(trainer, _folds.Select(f => (f.InnerTrain ?? f.Train, f.InnerValidation, _run.Context(f.Cache))).ToArray());
            mean = CvRounds.Mean(inner);
            rounds = CvRounds.Rounds(trainer, mean);
            trainer = trainer.WithoutEarlyStopping(rounds);
            curves = inner.Select(f => f.LossCurve).ToArray();
        }
        var metrics = new List<IReadOnlyDictionary<string, double>>();
        var predictions = new List<(int[], Keel.Core.Models.Predictions)>();
        var fits = new List<FitResult>();
        for (var i = 0; i < _folds.Length; i++)
        {
            var fold = _folds[i];
            var context = _run.Context(fold.Cache);
            var fit = trainer.UsesValidation
                ? trainer.Fit(fold.InnerTrain ?? fold.Train, fold.InnerValidation, context)
                : trainer.Fit(fold.Train, null, context);
            var predicted = fit.Model.Predict(fold.Validation.Features);
            metrics.Add(Evaluator.Evaluate(fold.Validation.Labels, predicted, fold.ValidationWeights).Metrics);
            predictions.Add((_run.Selection.Folds[i].Validation, predicted));
            fits.Add(fit);
        }
        FoldFits = fits;
        // Only a boosted candidate with early stopping trains fewer rounds than it is given: the round count of the mean curve.
        return CrossValidation.Summarise(metrics) with
        {
            OutOfFold = OutOfFoldPredictions.Gather(predictions), BestIteration = rounds, InnerCurves = curves,
            InnerMean = mean is { Points.Count: > 0 } ? mean : null,
        };
    }

    /// <summary>The last <see cref="CrossValidate"/>'s scored fold fits, in fold order.</summary>
    internal IReadOnlyList<FitResult> FoldFits { get; private set; } = [];

    /// <summary>Drops the per-fold matrices once every candidate is cross-validated.</summary>
    public void ClearFolds() => _folds = null;

    /// <summary>Fits the candidate again on train + validation (more data for the model that ships); test stays unseen.</summary>
    /// <remarks>A boosted candidate that stopped early on validation trains its best round count (<see cref="CandidateOutcome.BestIteration"/>).
    /// The train-split matrices are dropped first: no candidate trains on them any more.</remarks>
    public CandidateOutcome Refit(Candidate candidate, CandidateOutcome trained)
    {
        _features.Clear();
        var rows = _run.Split.Train.Concat(_run.Split.Validation).Order().ToArray();
        var trainer = candidate.Trainer.ForRefit(new FitResult(trained.Model, trained.LossCurve) { BestIteration = trained.BestIteration });
        return Fit(candidate.Name, candidate.Trainer, trainer, _rows.Train(rows, candidate), validation: null);
    }

    /// <summary>The learning curve of <paramref name="candidate"/>: fitted on 10, 25, 50, 75 and 100 % of the training rows (the first
    /// of a seeded order, the run's seed; nested, kept in the split's order), each scored on its own training rows and on validation in the run's metric.</summary>
    /// <remarks>Every fit featurises its own rows (the shared matrices belong to the whole train split). A sample that lacks a class of
    /// the label is skipped and says so.</remarks>
    public Keel.Evaluation.Diagnosis.LearningCurveResult LearningCurve(Candidate candidate)
    {
        var train = _run.Split.Train;
        var order = Keel.Evaluation.Importance.PermutationImportance.Permutations(train.Length, 1, (ulong)_run.Seed)[0];
        var points = new List<Keel.Evaluation.Diagnosis.LearningCurvePoint>();
        foreach (var fraction in Keel.Evaluation.Diagnosis.Diagnoses.Fractions)
        {
            var n = Math.Max(1, (int)Math.Ceiling(fraction * train.Length));
            // Positions in the train split kept in its order: at 100 % the fit is the candidate's own.
            var rows = order.Take(n).Order().Select(i => train[i]).ToArray();
            var labels = _run.Label.Labels.Take(rows);
            if (labels.ClassIndices is { } y && y.Distinct().Count() < labels.Classes.Count)
            {
                points.Add(new(fraction, n, null, null, $"the {n} rows hold {y.Distinct().Count()} of the {labels.Classes.Count} classes"));
                continue;
            }
            var slice = _rows.Train(rows);
            var fit = candidate.Trainer.Fit(slice, _validation, _run.Context());
            double? Score(EncodedLabels truth, Table features) =>
                Evaluator.Evaluate(truth, fit.Model.Predict(features)).Metrics.TryGetValue(_run.Metric, out var v) ? v : null;
            points.Add(new(fraction, n, Score(slice.Labels, slice.Features), _validation is null ? null : Score(_validation.Labels, _validation.Features)));
        }
        return new(candidate.Name, _run.Metric, points);
    }

    private CandidateOutcome Fit(string name, ITrainer candidate, ITrainer trainer, TrainingData train, TrainingData? validation)
    {
        var context = _run.Context(_features);
        var start = _time.GetTimestamp();
        LastTrainFeatures = train.Features;
        var fit = trainer.Fit(train, validation, context);
        // The params of the trainer that fitted: a refit (or cv's fit on every row) states the round count it trained, not the candidate's.
        return Measure(name, candidate.Type, candidate.IsBaseline, trainer.EffectiveParams, fit, _time.GetElapsedTime(start).TotalSeconds, validation);
    }

    /// <summary>The out-of-fold ensemble (<see cref="OutOfFoldEnsemble"/>) as a candidate: a voting model over <paramref name="members"/>'
    /// final models (each already fitted on every training row) weighed by <paramref name="weights"/>, scored on test like any candidate;
    /// its train time is the sum of its members', its validation metrics are <paramref name="cv"/>'s means.</summary>
    public CandidateOutcome Assemble(IReadOnlyList<CandidateOutcome> members, double[] weights, CrossValidation cv, IReadOnlyDictionary<string, string> parameters)
    {
        var model = Keel.Training.Ensembles.VotingEnsemble.Combine(members.Select(m => (m.Name, m.Model)).ToArray(), weights, parameters);
        return Measure(OutOfFoldEnsemble.Name, model.Type, false, parameters, new FitResult(model, null), members.Sum(m => m.TrainSeconds), validation: null)
            with { ValidationMetrics = cv.Mean, CrossValidation = cv };
    }

    private CandidateOutcome Measure(string name, string type, bool baseline, IReadOnlyDictionary<string, string> parameters, FitResult fit,
        double trainSeconds, TrainingData? validation)
    {
        var validationMetrics = validation is null
            ? new Dictionary<string, double>()
            : Evaluator.Evaluate(validation.Labels, fit.Model.Predict(validation.Features), _validationWeights).Metrics;

        var testPredictions = fit.Model.Predict(_testFeatures);
        var predictUs = PredictMicrosecondsPerRow(fit.Model);
        var test = Evaluator.Evaluate(_testLabels, testPredictions, _testWeights);

        using var ms = new MemoryStream();
        ModelPackage.Save(fit.Model, ms, _run.MissingTokens);
        var bytes = ms.ToArray();
        return new CandidateOutcome(name, type, baseline, parameters,
            trainSeconds, predictUs, bytes.LongLength, validationMetrics, test.Metrics)
        {
            BestIteration = fit.BestIteration,
            TestEvaluation = test,
            LossCurve = fit.LossCurve,
            ModelFile = bytes,
            Model = fit.Model,
            TestPredictions = testPredictions,
        };
    }

    /// <summary>Median scoring time per row over repeated predictions of <see cref="TimingRows"/> rows.</summary>
    /// <remarks>One prediction of the whole test split is too short on small sets to time stably (timer resolution, JIT,
    /// GC): two warm-up predictions, then at least <see cref="TimingRepeats"/> repeats and <see cref="TimingMinimumSeconds"/> of work.</remarks>
    private double PredictMicrosecondsPerRow(IFittedModel model)
    {
        if (_timing.RowCount == 0) return 0;
        // Untimed warm-up on the full timing set: JIT tiering promotes hot loops only after repeated calls, so timing the
        // first calls measured unoptimised code in some runs and optimised code in others.
        model.Predict(_timing);
        model.Predict(_timing);
        var samples = new List<double>();
        double total = 0;
        while (samples.Count < TimingRepeats || (total < TimingMinimumSeconds && samples.Count < 100))
        {
            var start = _time.GetTimestamp();
            model.Predict(_timing);
            var seconds = _time.GetElapsedTime(start).TotalSeconds;
            total += seconds;
            samples.Add(seconds * 1e6 / _timing.RowCount);
        }
        samples.Sort();
        return samples[samples.Count / 2];
    }
}
