using System.Globalization;
using Keel.Core.Data;
using Keel.Evaluation;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>One candidate's "overfit a small sample first" result: trained and scored on the same few rows.</summary>
/// <param name="Candidate">The candidate.</param>
/// <param name="Rows">Rows it was trained and scored on.</param>
/// <param name="TrainingError">Error rate (classification) or RMSE divided by the label's standard deviation (regression) on those rows.</param>
/// <param name="Passed">Whether the error is at most <see cref="SanityCheck.MaxError"/>.</param>
/// <param name="Message">What to look at when it did not pass.</param>
public sealed record SanityResult(string Candidate, int Rows, double TrainingError, bool Passed, string? Message);

/// <summary><c>keel run --sanity</c>: every non-baseline candidate must fit a small sample of the train split almost perfectly before a
/// whole run is worth its time (a model that cannot overfit 100 rows has a bug, a broken label or options that forbid learning).</summary>
public static class SanityCheck
{
    /// <summary>Rows of the train split used. 100.</summary>
    public const int SampleRows = 100;

    /// <summary>The largest training error that passes. 0.05.</summary>
    public const double MaxError = 0.05;

    /// <summary>Trains each non-baseline candidate on the first <see cref="SampleRows"/> train rows (in split order) and scores it on them.</summary>
    public static IReadOnlyList<SanityResult> Run(PreparedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var rows = run.Split.Train.Take(SampleRows).ToArray();
        var data = new TrainingData(run.Features.Take(rows), run.Label.Labels.Take(rows));
        var results = new List<SanityResult>();
        foreach (var c in run.Candidates.Where(c => !c.Trainer.IsBaseline))
        {
            var fit = c.Trainer.Fit(data, null, run.Context());
            var predictions = fit.Model.Predict(data.Features);
            double error;
            if (run.Task == TaskKind.Regression)
            {
                var y = data.Labels.Values!;
                var mean = y.Average();
                var sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / y.Length);
                var rmse = Math.Sqrt(y.Select((v, i) => (v - predictions.Values![i]) * (v - predictions.Values[i])).Sum() / y.Length);
                error = sd > 0 ? rmse / sd : rmse;
            }
            else
            {
                error = 1 - Evaluator.Evaluate(data.Labels, predictions).Metrics["accuracy"];
            }
            var passed = error <= MaxError;
            results.Add(new SanityResult(c.Name, rows.Length, error, passed, passed ? null :
                $"{c.Name} cannot overfit {rows.Length} training rows (training {(run.Task == TaskKind.Regression ? "RMSE / label sd" : "error")} {error:0.###}, expected at most {MaxError}): " +
                "check that the label is what you mean and the features carry it, and that the options let the model learn (iterations, leaves, regularisation); a linear model may not separate the rows at all."));
        }
        return results;
    }
}
