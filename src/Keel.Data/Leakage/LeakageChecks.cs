using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data.Quality;

namespace Keel.Data.Leakage;

/// <summary>Checks a split for leakage: rows shared by train and test, time order, groups on both sides, single features that
/// predict the label almost perfectly, and features declared available only after the label. Rows in findings are table rows.</summary>
public static class LeakageChecks
{
    /// <summary>Every finding for <paramref name="request"/>.</summary>
    public static IReadOnlyList<Finding> Run(LeakageRequest request, LeakageOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<Finding>();
        SharedRows(request, options, findings);
        if (request.TimeColumn is { } time) TimeOrder(request, time, findings);
        if (request.GroupColumn is { } group) GroupOverlap(request, group, findings);
        TargetLeakage(request, options, findings);
        foreach (var column in request.AfterLabel.Where(request.Features.Contains))
        {
            findings.Add(new Finding("available_after_label", Severity.Error,
                $"feature '{column}' is declared available only after the label (data.available_at), yet it is a model input: at prediction time it does not exist.")
            {
                Columns = [column],
                Fix = $"Add '{column}' to data.ignore.",
            });
        }
        return findings;
    }

    /// <summary>Test (and validation) rows that repeat a train row exactly (every column) or nearly (numbers to 4 significant
    /// digits, strings trimmed and in lower case).</summary>
    private static void SharedRows(LeakageRequest request, LeakageOptions options, List<Finding> findings)
    {
        var t = request.Table;
        var columns = t.Columns.Where(c => !request.NotCompared.Contains(c.Name)).ToArray();
        var exact = RowHasher.Keys(columns, t.RowCount, normalise: false);
        var near = RowHasher.Keys(columns, t.RowCount, normalise: true);
        var trainExact = request.Split.Train.Select(r => exact[r]).ToHashSet();
        var trainNear = request.Split.Train.Select(r => near[r]).ToHashSet();
        foreach (var (name, rows) in new[] { ("test", request.Split.Test), ("validation", request.Split.Validation) })
        {
            if (rows.Length == 0) continue;
            var same = rows.Where(r => trainExact.Contains(exact[r])).ToArray();
            var close = rows.Where(r => !trainExact.Contains(exact[r]) && trainNear.Contains(near[r])).ToArray();
            var all = same.Concat(close).Order().ToArray();
            // A few repeated rows happen in real data (the integrity check lists them); a share this large changes the metrics.
            if (all.Length == 0 || (double)all.Length / rows.Length < options.DuplicateShare) continue;
            findings.Add(new Finding("train_test_duplicates", Severity.Warning,
                $"{all.Length} of {rows.Length} {name} rows ({IntegrityChecks.Pct(all.Length, rows.Length)}) repeat a train row: {same.Length} exactly, {close.Length} nearly (numbers to 4 significant digits, text ignoring case and spaces); e.g. {name} rows {string.Join(", ", all.Take(5).Select(request.Shown))}. Their {name} metrics reward memory, not generalisation.")
            {
                Rows = Finding.Listed(all.Select(request.Shown)),
                RowCount = all.Length,
                Fix = "Remove duplicate rows before splitting, or split by a group column (split.strategy: group) so copies of one entity stay together.",
            });
        }
    }

    private static void TimeOrder(LeakageRequest request, string timeColumn, List<Finding> findings)
    {
        if (request.Table[timeColumn] is not NumericColumn time || request.Split.Train.Length == 0) return;
        var lastTrain = request.Split.Train.Select(r => time[r]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NegativeInfinity).Max();
        foreach (var (name, rows) in new[] { ("test", request.Split.Test), ("validation", request.Split.Validation) })
        {
            var early = rows.Where(r => time[r] < lastTrain).ToArray();
            if (early.Length == 0) continue;
            findings.Add(new Finding("time_order", Severity.Warning,
                $"{early.Length} of {rows.Length} {name} rows have a '{timeColumn}' before the last train time {time.Format(request.Split.Train.MaxBy(r => double.IsNaN(time[r]) ? double.NegativeInfinity : time[r]))}: the model learns from the future of the rows it is tested on.")
            {
                Columns = [timeColumn],
                Rows = Finding.Listed(early.Select(request.Shown)),
                RowCount = early.Length,
                Fix = "Use split.strategy: time, so every test row comes after every train row.",
            });
        }
    }

    private static void GroupOverlap(LeakageRequest request, string groupColumn, List<Finding> findings)
    {
        var g = request.Table[groupColumn];
        var trainGroups = request.Split.Train.Where(r => !g.IsMissing(r)).Select(g.Format).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, rows) in new[] { ("test", request.Split.Test), ("validation", request.Split.Validation) })
        {
            var shared = rows.Where(r => !g.IsMissing(r) && trainGroups.Contains(g.Format(r))).ToArray();
            if (shared.Length == 0) continue;
            var groups = shared.Select(g.Format).Distinct(StringComparer.Ordinal).ToArray();
            findings.Add(new Finding("group_overlap", Severity.Warning,
                $"{groups.Length} value(s) of '{groupColumn}' have rows in both train and {name} ({shared.Length} {name} rows), e.g. {string.Join(", ", groups.Take(5).Select(v => $"'{v}'"))}.")
            {
                Columns = [groupColumn],
                Rows = Finding.Listed(shared.Select(request.Shown)),
                RowCount = shared.Length,
                Fix = "Use split.strategy: group with data.group_column, so each group lies on one side only.",
            });
        }
    }

    /// <summary>Each feature alone, binned and fitted on train, scored on validation (or test when there is no validation):
    /// one far above the rest and near perfect is target leakage.</summary>
    private static void TargetLeakage(LeakageRequest request, LeakageOptions options, List<Finding> findings)
    {
        var fit = request.Split.Train;
        var score = request.Split.Validation.Length >= 30 ? request.Split.Validation : request.Split.Test;
        if (fit.Length < 30 || score.Length < 30) return;
        var scored = new List<(string Name, double Score)>();
        foreach (var name in request.Features)
        {
            var column = request.Table[name];
            if (column.Type == ColumnType.Text) continue;
            var s = SingleFeatureScore(column, request.Labels, fit, score, options.Bins);
            if (!double.IsNaN(s)) scored.Add((name, s));
        }
        if (scored.Count == 0) return;
        scored.Sort((a, b) => b.Score.CompareTo(a.Score));
        var (best, bestScore) = scored[0];
        var next = scored.Count > 1 ? scored[1].Score : request.Labels.Task == TaskKind.Regression ? 0 : 0.5;
        var regression = request.Labels.Task == TaskKind.Regression;
        var threshold = regression ? options.SuspectR2 : options.SuspectAuc;
        if (bestScore < threshold || bestScore - next < options.Margin) return;
        var metric = regression ? "R²" : request.Labels.Task == TaskKind.Binary ? "AUC" : "macro one-versus-rest AUC";
        var rest = string.Join(", ", scored.Skip(1).Take(3).Select(s => $"'{s.Name}' {F(s.Score)}"));
        findings.Add(new Finding("target_leakage", Severity.Warning,
            $"feature '{best}' alone predicts the label almost perfectly: {metric} {F(bestScore)} on {(score == request.Split.Validation ? "validation" : "test")} from a one-feature model fitted on train, against {F(next)} for the next best{(rest.Length > 0 ? $" ({rest})" : "")}. It probably encodes the label or is known only after it.")
        {
            Columns = [best],
            Fix = $"If '{best}' is not known when predicting, add it to data.ignore (or declare data.available_at.{best}: after_label); if it is, keep it and say why.",
        });
    }

    /// <summary>AUC (binary), macro one-versus-rest AUC (multiclass) or R² (regression) on <paramref name="score"/> rows of a
    /// lookup model: the train class shares (or mean label) per bin of the column.</summary>
    internal static double SingleFeatureScore(Column column, EncodedLabels labels, IReadOnlyList<int> fit, IReadOnlyList<int> score, int bins)
    {
        var codes = Discretizer.Codes(column, fit, bins, 200, out var count);
        if (labels.Task == TaskKind.Regression)
        {
            var sum = new double[count];
            var n = new double[count];
            foreach (var r in fit)
            {
                sum[codes[r]] += labels.Values![r];
                n[codes[r]]++;
            }
            var mean = fit.Average(r => labels.Values![r]);
            var predicted = score.Select(r => n[codes[r]] > 0 ? sum[codes[r]] / n[codes[r]] : mean).ToArray();
            return Scores.R2(score.Select(r => labels.Values![r]).ToArray(), predicted);
        }
        var k = labels.Classes.Count;
        var counts = new double[count, k];
        foreach (var r in fit) counts[codes[r], labels.ClassIndices![r]]++;
        var aucs = new List<double>();
        for (var c = labels.Task == TaskKind.Binary ? 1 : 0; c < k; c++)
        {
            var cls = c;
            var p = score.Select(r =>
            {
                double total = 0;
                for (var j = 0; j < k; j++) total += counts[codes[r], j];
                return (counts[codes[r], cls] + 1) / (total + k);
            }).ToArray();
            var auc = Scores.Auc(p, score.Select(r => labels.ClassIndices![r] == cls).ToArray());
            if (!double.IsNaN(auc)) aucs.Add(auc);
        }
        return aucs.Count == 0 ? double.NaN : aucs.Average();
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
