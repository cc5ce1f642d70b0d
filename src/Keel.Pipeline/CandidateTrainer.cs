using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation;
using Keel.Training;

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
    private readonly Table _warmUp;

    public CandidateTrainer(PreparedRun run, TimeProvider time)
    {
        _run = run;
        _time = time;
        _train = Slice(run.Split.Train);
        _validation = run.Split.Validation.Length > 0 ? Slice(run.Split.Validation) : null;
        _testFeatures = run.Features.Take(run.Split.Test);
        _testLabels = run.Label.Labels.Take(run.Split.Test);
        _warmUp = _testFeatures.Take(Enumerable.Range(0, Math.Min(8, _testFeatures.RowCount)).ToArray());
    }

    private TrainingData Slice(IReadOnlyList<int> rows) => new(_run.Features.Take(rows), _run.Label.Labels.Take(rows));

    public CandidateOutcome Train(Candidate candidate) => Fit(candidate, _train, _validation);

    /// <summary>Fits the candidate again on train + validation (more data for the model that ships); test stays unseen.</summary>
    public CandidateOutcome Refit(Candidate candidate)
    {
        var rows = _run.Split.Train.Concat(_run.Split.Validation).Order().ToArray();
        return Fit(candidate, Slice(rows), validation: null);
    }

    private CandidateOutcome Fit(Candidate candidate, TrainingData train, TrainingData? validation)
    {
        var context = new TrainContext(_run.Seed, Path.GetFileName(_run.Data.Path));
        var start = _time.GetTimestamp();
        var fit = candidate.Trainer.Fit(train, validation, context);
        var trainSeconds = _time.GetElapsedTime(start).TotalSeconds;

        var validationMetrics = validation is null
            ? new Dictionary<string, double>()
            : Evaluator.Evaluate(validation.Labels, fit.Model.Predict(validation.Features)).Metrics;

        // One small prediction first, so the timing below measures steady-state scoring, not JIT and native set-up.
        fit.Model.Predict(_warmUp);
        start = _time.GetTimestamp();
        var testPredictions = fit.Model.Predict(_testFeatures);
        var predictUs = _time.GetElapsedTime(start).TotalMicroseconds / Math.Max(1, _testFeatures.RowCount);
        var test = Evaluator.Evaluate(_testLabels, testPredictions);

        using var ms = new MemoryStream();
        fit.Model.Save(ms);
        var bytes = ms.ToArray();
        return new CandidateOutcome(candidate.Name, candidate.Trainer.Type, candidate.Trainer.IsBaseline, candidate.Trainer.EffectiveParams,
            trainSeconds, predictUs, bytes.LongLength, validationMetrics, test.Metrics)
        {
            TestEvaluation = test,
            LossCurve = fit.LossCurve,
            ModelFile = bytes,
            Model = fit.Model,
            TestPredictions = testPredictions,
        };
    }
}
