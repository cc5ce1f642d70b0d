using System.Globalization;
using Keel.Evaluation;
using Keel.Evaluation.Uncertainty;
using Keel.Reports;

namespace Keel.Pipeline;

/// <summary>Maps the stored test evaluations onto the report's plain tables and chart data.</summary>
internal static class EvaluationMapper
{
    public static EvaluationView? Map(RunOutcome outcome) => Map(outcome.Selected, outcome.SelectionMetric, outcome.Evaluations);

    /// <summary>The view of <paramref name="selected"/>'s full evaluation beside every model's intervals; null when it has none.</summary>
    public static EvaluationView? Map(string selected, string metric, IReadOnlyDictionary<string, TestReport> evaluations)
    {
        if (!evaluations.TryGetValue(selected, out var sel)) return null;
        var tables = new List<TableView>();
        var metrics = sel.Intervals.Keys.ToArray();
        tables.Add(new TableView($"Test metrics with {Pct(sel.Bootstrap.Confidence)} intervals",
            ["model", .. metrics],
            evaluations.Values.Select(r => (IReadOnlyList<string>)[r.Candidate == selected ? r.Candidate + " (selected)" : r.Candidate,
                .. metrics.Select(m => r.Intervals.TryGetValue(m, out var i) ? I(i) : "—")]).ToArray(),
            $"Percentile bootstrap: {sel.Bootstrap.Resamples} resamples of the {sel.Rows} test rows, seed {sel.Bootstrap.Seed}."));
        if (sel.Comparisons.Count > 0)
        {
            tables.Add(new TableView("Significance against the other models (same test rows)",
                ["against", "metric", "selected", "other", "test", "p", "verdict"],
                sel.Comparisons.Select(c => (IReadOnlyList<string>)[c.Against, c.Metric, F(c.Value), F(c.OtherValue), c.Test, Gates.P(c.PValue), c.Verdict]).ToArray(),
                "DeLong's test for auc, McNemar's for accuracy (exact binomial under 25 discordant rows, else chi-square with continuity correction), paired bootstrap otherwise; alpha 0.05."));
        }
        IReadOnlyList<Series> reliability = [];
        if (sel.Calibration is { } cal)
        {
            var rows = new List<IReadOnlyList<string>> { new[] { cal.Stored ? "without calibration" : "as trained", F(cal.Ece), F(cal.Brier) } };
            if (cal.Method is not null) rows.Add([$"{cal.Method} (fitted on validation{(cal.Stored ? ", stored with the model" : "")})", F(cal.EceAfter ?? double.NaN), F(cal.BrierAfter ?? double.NaN)]);
            tables.Add(new TableView("Calibration", ["model", "ece", "brier"], rows,
                cal.Stored
                    ? "ECE over 10 uniform bins. The calibration was fitted on validation with the selected model as trained on train only; it is stored in the model package, so serving and keel predict apply it."
                    : "ECE over 10 uniform bins."));
            var series = new List<Series>
            {
                new("uniform bins", cal.Uniform.Select(b => new Point(b.MeanPredicted, b.FractionPositive)).ToArray()),
                new("quantile bins", cal.Quantile.Select(b => new Point(b.MeanPredicted, b.FractionPositive)).ToArray()),
            };
            if (cal.UniformAfter is { } after) series.Add(new($"{cal.Method}", after.Select(b => new Point(b.MeanPredicted, b.FractionPositive)).ToArray()));
            reliability = series;
        }
        if (sel.Decision is { } d)
        {
            tables.Add(new TableView("Decision rule stored with the model", ["calibration", "threshold", "chosen for", "validation rows", "value", "precision", "recall"],
                [[d.Calibration ?? "none", d.Threshold is { } t ? F(t) : "larger probability", d.Objective ?? "—", d.ValidationRows.ToString(CultureInfo.InvariantCulture),
                    d.ValidationValue is { } v ? F(v) : "—", d.ValidationPrecision is { } p ? F(p) : "—", d.ValidationRecall is { } r ? F(r) : "—"]],
                "Chosen on validation with the selected model as trained on train only; serving and keel predict apply it, and the test figures above are the model's with it."));
        }
        if (sel.Slices.Count > 0)
        {
            var small = sel.Slices.Any(s => s.BelowMinimum);
            tables.Add(new TableView($"Slices ({metric})", ["column", "value", "rows", metric, "accuracy / rmse"],
                sel.Slices.Select(s => (IReadOnlyList<string>)[s.Column, s.Value, s.Rows.ToString(CultureInfo.InvariantCulture),
                    s.BelowMinimum ? "too few rows" : Get(s.Metrics, metric),
                    s.BelowMinimum ? "too few rows" : Get(s.Metrics, s.Metrics.ContainsKey("accuracy") ? "accuracy" : "rmse")]).ToArray(),
                small ? $"Slices with fewer than {sel.MinSliceRows} test rows (evaluation.min_slice_rows) get no figures; slice gates pass over them." : null));
        }
        tables.Add(new TableView("Weak segments", ["segment", "rows", "loss", "overall", "shortfall", "p (Bonferroni)"],
            sel.WeakSegments.Select(w => (IReadOnlyList<string>)[string.Join(" and ", w.Conditions), w.Rows.ToString(CultureInfo.InvariantCulture), F(w.Loss),
                F(w.OverallLoss), F(w.Shortfall), Gates.P(w.PValue)]).ToArray(),
            sel.WeakSegments.Count == 0 ? "No segment of one or two columns is significantly worse than the whole." :
                "Loss is the error rate (classification) or absolute error (regression); ranked by rows × shortfall."));
        if (sel.Tags.Count > 0) tables.Add(TagTable(sel.Tags));
        if (sel.Behaviour.Count > 0)
        {
            tables.Add(new TableView("Behavioural tests", ["test", "rows", "passed", "pass rate", "failing examples (test row: what happened)"],
                sel.Behaviour.Select(b => (IReadOnlyList<string>)[b.Name, b.Rows.ToString(CultureInfo.InvariantCulture), b.Passed.ToString(CultureInfo.InvariantCulture),
                    F(b.PassRate), b.Examples.Count == 0 ? "none" : string.Join("; ", b.Examples.Take(3).Select(e => $"{e.Row}: {e.Detail}"))]).ToArray(),
                "Invariance: a numeric column moved by up to ±noise must not move the answer by more than the tolerance. Directional: the column changed as stated must not move the answer the wrong way. Minimum: cases with expected answers (row = case number)."));
        }
        if (sel.Simpson.Count > 0)
        {
            tables.Add(new TableView("Simpson's paradox check", ["column", "models", "overall", "slices", "flagged"],
                sel.Simpson.Select(s => (IReadOnlyList<string>)[s.Column, $"{s.ModelA} vs {s.ModelB}", $"{F(s.OverallA)} vs {F(s.OverallB)}",
                    string.Join("; ", s.Slices.Select(x => $"{x.Value}: {F(x.A)} vs {F(x.B)}")), s.Flagged ? "YES: the order reverses in every slice" : "no"]).ToArray()));
        }
        foreach (var f in sel.Fairness)
        {
            var rows = f.Groups.Select(g => (IReadOnlyList<string>)[g.Group, g.Rows.ToString(CultureInfo.InvariantCulture), F(g.SelectionRate),
                F(g.TruePositiveRate), F(g.FalsePositiveRate), F(g.Precision)]).ToList();
            tables.Add(new TableView($"Fairness: {f.Column}", ["group", "rows", "selection rate", "TPR", "FPR", "precision"], rows,
                f.EqualizedOddsDifference is null ? null :
                $"Demographic parity difference {I(f.DemographicParityDifference!)}, ratio {I(f.DemographicParityRatio!)}; equalized odds difference {I(f.EqualizedOddsDifference)} (Fairlearn's definitions)."));
        }
        if (sel.Conformal is { } c)
        {
            tables.Add(new TableView($"Conformal prediction at {Pct(c.Coverage)} coverage", ["calibration rows", "threshold", "achieved coverage on test", "mean size", "empty sets"],
                [[c.CalibrationRows.ToString(CultureInfo.InvariantCulture), F(c.Quantile), F(c.AchievedCoverage), F(c.MeanSize), F(c.EmptySets)]],
                "Split conformal calibrated on validation with the selected model as trained on train only; size is the interval width (regression) or classes per set."));
        }
        BarChartView? importance = null;
        if (sel.Importance is { } imp)
        {
            tables.Add(new TableView($"Permutation importance ({imp.Metric})", ["column", "mean drop", "std", "drops"],
                imp.Features.Select(f => (IReadOnlyList<string>)[f.Column, F(f.Mean), F(f.Std), string.Join(", ", f.Drops.Select(F))]).ToArray(),
                $"Each feature column's values shuffled across the {sel.Rows} test rows, {imp.Repeats} times (seed {imp.Seed}); the drop is {imp.Metric} as is ({F(imp.Baseline)}) minus {imp.Metric} shuffled (for a loss the other way round), as scikit-learn's permutation_importance. Std is the population standard deviation of the drops."));
            importance = new BarChartView($"Permutation importance: drop of {imp.Metric} (whiskers: ± std over {imp.Repeats} shuffles)",
                imp.Features.Select(f => new BarDatum(f.Column, f.Mean) { Low = f.Mean - f.Std, High = f.Mean + f.Std }).ToArray());
        }
        if (sel.Contributions is { } contributions)
        {
            tables.Add(new TableView($"Contributions for a sample of test rows ({contributions.Space})", ["test row", "actual", "predicted", "largest contributions"],
                contributions.Rows.Select(r => (IReadOnlyList<string>)[r.Row.ToString(CultureInfo.InvariantCulture), r.Actual, r.Predicted,
                    string.Join("; ", r.Top.Select(t => $"{t.Column} {(t.Contribution >= 0 ? "+" : "")}{F(t.Contribution)}"))]).ToArray(),
                contributions.Space switch
                {
                    "log-odds" => "Weight × (standardised) value per column, in log-odds of the positive class before any stored calibration: they add up to the log-odds less the bias.",
                    "score" => "ML.NET's FeatureContributionCalculator over the trees' decision paths, in the raw tree score before calibration to a probability; positive pushes towards the positive class (regression: a larger value).",
                    _ => "Weight × (standardised) value per column (trees: their decision-path contributions), in the predicted value.",
                } + " A one-hot column's features are summed; keel predict --explain gives the same per row."));
        }
        if (sel.BiasVariance is { } bv)
        {
            string O(double? v) => v is { } x ? F(x) : "—";
            tables.Add(new TableView($"Bias and variance (error = {(Keel.Core.Metrics.MetricCatalog.Get(bv.Metric).HigherIsBetter ? $"1 − {bv.Metric}" : bv.Metric)})",
                ["train", "validation", "test", "best baseline (test)", "human level", "avoidable bias", "variance", "data mismatch"],
                [[F(bv.Train), O(bv.Validation), F(bv.Test), bv.Baseline is null ? "—" : $"{O(bv.BaselineTest)} ({bv.Baseline})", O(bv.HumanLevel),
                    O(bv.AvoidableBias), O(bv.Variance), O(bv.DataMismatch)]],
                "The selected candidate as trained on train only. Avoidable bias = train − human level (evaluation.human_level), variance = validation − train, data mismatch = test − validation. " + bv.Reading));
        }
        IReadOnlyList<Series> learning = [];
        if (sel.LearningCurve is { } lc)
        {
            tables.Add(new TableView($"Learning curve ({lc.Candidate}, {lc.Metric})", ["share of training rows", "rows", $"train {lc.Metric}", $"validation {lc.Metric}"],
                lc.Points.Select(p => (IReadOnlyList<string>)[Pct(p.Fraction), p.TrainRows.ToString(CultureInfo.InvariantCulture),
                    p.Skipped ?? (p.Train is { } t ? F(t) : "—"), p.Skipped is null && p.Validation is { } v ? F(v) : "—"]).ToArray(),
                "The selected candidate trained again on the first rows of a seeded order of the training rows. Curves that meet early and stay apart from the goal point to bias (a larger model); a gap that narrows as rows are added points to variance (more data helps)."));
            learning =
            [
                new Series($"train {lc.Metric}", lc.Points.Where(p => p.Train is not null).Select(p => new Point(p.Fraction, p.Train!.Value)).ToArray()),
                new Series($"validation {lc.Metric}", lc.Points.Where(p => p.Validation is not null).Select(p => new Point(p.Fraction, p.Validation!.Value)).ToArray()),
            ];
        }
        if (sel.Quadrants.Count > 0)
        {
            tables.Add(new TableView("Capability vs alignment", ["model", "against", "log loss change (capability)", $"{sel.Quadrants[0].Metric} improvement (alignment)", "quadrant", "reading"],
                sel.Quadrants.Select(q => (IReadOnlyList<string>)[q.Model, q.Reference, F(q.LossChange), F(q.MetricChange), q.Quadrant, q.Reading]).ToArray(),
                "On the same test rows. A negative log loss change is a more capable model; a positive improvement of the decision metric is a better aligned one."));
        }
        var charts = sel.Slices.Where(s => !s.BelowMinimum).GroupBy(s => s.Column).Select(g => new BarChartView($"{metric} by {g.Key} ({Pct(sel.Bootstrap.Confidence)} intervals)",
            g.Select(s => s.Metrics.TryGetValue(metric, out var i)
                ? new BarDatum($"{s.Value} ({s.Rows})", i.Estimate) { Low = i.Low, High = i.High }
                : new BarDatum($"{s.Value} ({s.Rows})", double.NaN)).ToArray())).ToArray();
        return new EvaluationView { Tables = tables, Reliability = reliability, SliceCharts = charts, Importance = importance,
            LearningCurve = learning, LearningCurveMetric = sel.LearningCurve?.Metric ?? "metric" };
    }

    /// <summary>The tag prioritisation table (highest priority first), as the report and <c>keel analyze</c> show it.</summary>
    public static TableView TagTable(IReadOnlyList<Keel.Evaluation.ErrorAnalysis.TagResult> tags) => new("Error analysis by tags",
        ["tag", "rows", "share of data", "share of errors", "error rate", "reference", "room", "ease × importance", "priority"],
        tags.Select(t => (IReadOnlyList<string>)[t.Tag, t.Rows.ToString(CultureInfo.InvariantCulture), F(t.ShareOfData), F(t.ShareOfErrors), F(t.ErrorRate),
            $"{F(t.Reference)} ({t.ReferenceSource})", F(t.Room), F(t.Ease * t.Importance), F(t.Priority)]).ToArray(),
        "Error rate is the share of wrong answers (regression: mean absolute error). Room = error rate − reference (a given human-level or existing-system figure, or the best model of the run on the tag's rows); priority = room × share of data × ease × importance: how much the overall error falls if the tag reaches its reference.");

    private static string Get(IReadOnlyDictionary<string, Interval> m, string key) => m.TryGetValue(key, out var i) ? I(i) : "—";

    private static string I(Interval i) => double.IsNaN(i.Low) ? F(i.Estimate) : $"{F(i.Estimate)} [{F(i.Low)}, {F(i.High)}]";

    private static string F(double v) => double.IsNaN(v) ? "—" : double.IsPositiveInfinity(v) ? "∞" : v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Pct(double v) => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
