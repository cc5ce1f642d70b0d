using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Data;
using Keel.Reports;

namespace Keel.Pipeline;

/// <summary>Maps a finished run onto the report's plain data model and renders it.</summary>
internal static class ReportMapper
{
    public static string Render(PreparedRun run, TableProfile profile, RunOutcome outcome, CandidateOutcome final, RunEnvironment env, DateTimeOffset started)
    {
        var classes = run.Label.Labels.Classes;
        var labelCounts = run.Task == TaskKind.Regression
            ? profile.Columns.First(c => c.Name == run.Spec.Data.Label).Histogram.Select(b => new LabelCount(Range(b.Lower, b.Upper), b.Count)).ToArray()
            : classes.Select((c, i) => new LabelCount(c, run.Label.Labels.ClassIndices!.Count(x => x == i))).ToArray();
        var model = new ReportModel
        {
            Title = $"{run.Experiment} — run {outcome.RunId[..8]}",
            Run = new RunSummary(outcome.RunId, run.Experiment, outcome.Task, started.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                env.GitCommit, env.GitDirty, run.Seed, env.Values),
            Data = new DataSummary(run.Data.Path, run.Data.Sha256, run.Table.RowCount, run.Data.Table.Columns.Count, run.Spec.Data.Label,
                outcome.Split.Train, outcome.Split.Validation, outcome.Split.Test, outcome.Split.Strategy,
                profile.Columns.Select(Column).ToArray(), labelCounts),
            Findings = Findings(outcome.Checks),
            ChecksRan = true,
            Features = outcome.Features.Select(f => new FeatureView(f.Column, f.Type, f.Inputs, f.Transforms, f.Outputs, f.Statistics)).ToArray(),
            // Every row is the candidate as trained on train (as the console and --json show it); a refitted model is its own row.
            Candidates = outcome.Candidates.Select(Candidate).ToArray(),
            Final = outcome.Final.Refit ? Candidate(final with { Name = FinalModel.RefitLabel }) : null,
            SelectionMetric = outcome.SelectionMetric,
            SelectionHigherIsBetter = MetricCatalog.Get(outcome.SelectionMetric).HigherIsBetter,
            Selected = outcome.Selected,
            SelectionBasis = outcome.Selection.Mode == "cv" ? $"{outcome.Selection.Folds}-fold cv ({outcome.Selection.FoldKind} folds) mean" : "validation",
            SelectionReason = outcome.Selection.Reason,
            WithinNoise = outcome.Selection.WithinNoise,
            TieRule = outcome.Selection.TieRule,
            Gates = outcome.Gates.Select(g => new GateView(g.Gate, g.Passed, g.Detail)).ToArray(),
            Evaluation = EvaluationMapper.Map(outcome),
            Search = run.Search is { } search
                ? search with { Report = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(outcome.ReportPath))!, Path.GetFullPath(search.Report)).Replace('\\', '/') }
                : null,
            Registered = outcome.Registered is { } r
                ? (r.Version > 0 ? $"{r.Name} v{r.Version}" + (r.Alias is null ? "" : $" (alias {r.Alias})") : $"registering as {r.Name}{(r.Alias is null ? "" : "@" + r.Alias)}") + (outcome.Final.Refit ? $", refitted on train + validation ({outcome.Final.TrainRows} rows)" : "")
                : $"not registered: {outcome.NotRegisteredReason}",
        };
        return HtmlReport.Render(model);
    }

    /// <summary>The run's findings for the report, grouped integrity, contract, leakage.</summary>
    internal static FindingView[] Findings(DataChecks checks)
    {
        FindingView View(string group, Keel.Data.Quality.Finding f) => new(group, f.Check, f.Severity.ToString().ToLowerInvariant(), f.Message, f.Columns, f.Rows, f.RowCount, f.Fix);
        return [.. checks.Integrity.Select(f => View("integrity", f)), .. checks.Contract.Select(f => View("contract", f)), .. checks.Leakage.Select(f => View("leakage", f))];
    }

    private static string Range(double lo, double hi) =>
        $"{lo.ToString("G4", CultureInfo.InvariantCulture)}–{hi.ToString("G4", CultureInfo.InvariantCulture)}";

    /// <summary>A date-time histogram bin (Unix seconds) as UTC dates, or to the minute when bins are shorter than two days.</summary>
    private static string TimeRange(double lo, double hi)
    {
        var format = hi - lo >= 2 * 86_400 ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm";
        string T(double s) => DateTimeOffset.UnixEpoch.AddSeconds(Math.Round(s)).ToString(format, CultureInfo.InvariantCulture);
        return $"{T(lo)}–{T(hi)}";
    }

    internal static ColumnView Column(ColumnProfile c) => new(c.Name, c.Type.ToString().ToLowerInvariant(), c.Missing, c.Distinct,
        c.Mean, c.Std, c.Min, c.Max,
        c.Histogram.Count > 0
            ? c.Histogram.Select(b => new BarDatum(c.Type == ColumnType.DateTime ? TimeRange(b.Lower, b.Upper) : Range(b.Lower, b.Upper), b.Count)).ToArray()
            : c.TopValues.Select(v => new BarDatum(v.Value, v.Count)).ToArray());

    internal static CandidateResult Candidate(CandidateOutcome c)
    {
        var e = c.TestEvaluation;
        var curves = new List<Keel.Reports.LossCurve>();
        if (c.LossCurve is { } lc)
        {
            curves.Add(new($"train {lc.Metric}", lc.Points.Select(p => new Point(p.Iteration, p.Train)).ToArray()));
            var val = ValidationPoints(lc);
            if (val.Length > 0) curves.Add(new($"validation {lc.Metric}", val));
        }
        string? note = null;
        if (c.CrossValidation is { InnerMean: { } inner } cv)
        {
            curves.Add(new($"cv mean {inner.Metric}", ValidationPoints(inner)));
            note = $"cv mean {inner.Metric}: the mean of the {cv.InnerCurves.Count} folds' inner validation curves (every round), which chose " +
                (cv.BestIteration is { } b ? $"the {b} rounds every fold and the fit on all training rows trained" : "every round (it did not stop early)") +
                $"; train {inner.Metric} is that fit's.";
        }
        return new CandidateResult
        {
            Name = c.Name,
            Type = c.Type,
            IsBaseline = c.Baseline,
            Params = c.Params,
            TrainSeconds = c.TrainSeconds,
            PredictMicrosPerRow = c.PredictUsPerRow,
            ModelBytes = c.ModelBytes,
            ValidationMetrics = c.ValidationMetrics,
            ValidationSpread = c.CrossValidation?.Std ?? new Dictionary<string, double>(),
            TestMetrics = c.TestMetrics,
            Classes = e.Classes,
            ConfusionMatrix = e.ConfusionMatrix,
            Roc = e.Roc.Select(p => new Point(p.X, p.Y)).ToArray(),
            PrecisionRecall = e.PrecisionRecall.Select(p => new Point(p.X, p.Y)).ToArray(),
            Residuals = e.Residuals.Select(p => new Point(p.Predicted, p.Actual)).ToArray(),
            LossCurves = curves,
            LossCurveNote = note,
        };
    }

    /// <summary>The validation loss of each round that has one.</summary>
    private static Point[] ValidationPoints(Keel.Training.LossCurve curve) =>
        curve.Points.Where(p => p.Validation is not null).Select(p => new Point(p.Iteration, p.Validation!.Value)).ToArray();
}
