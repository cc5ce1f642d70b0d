using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Metrics;

namespace Keel.Evaluation;

/// <summary>The outcome of one registration gate, with the figures it compared.</summary>
public sealed record GateResult(string Gate, bool Passed, string Detail);

/// <summary>Promotion gates: conditions the selected model's test metrics must meet before it is registered.</summary>
/// <remarks>Syntax: <c>METRIC OP NUMBER</c> with OP one of &gt;= &gt; &lt;= &lt; ==, e.g. <c>auc &gt;= 0.8</c>; or <c>beats: CANDIDATE</c>,
/// meaning the selected model's selection metric is strictly better than that candidate's. From the test evaluation:
/// <c>ece &lt;= 0.05</c>; <c>METRIC OP NUMBER on every slice of COLUMN</c> (an evaluation.slices column);
/// <c>FAIRNESS OP NUMBER on COLUMN</c> (an evaluation.sensitive column; FAIRNESS one of <see cref="FairnessMetrics"/>);
/// <c>beats: CANDIDATE significantly</c> (the significance test of the selection metric says "better").</remarks>
public static class Gates
{
    private static readonly string[] Ops = [">=", "<=", "==", ">", "<"];

    private abstract record Gate(string Text);
    private sealed record Threshold(string Text, string Metric, string Op, double Value) : Gate(Text);
    private sealed record Beats(string Text, string Candidate, bool Significantly = false) : Gate(Text);
    private sealed record SliceThreshold(string Text, string Metric, string Op, double Value, string Column) : Gate(Text);
    private sealed record FairnessThreshold(string Text, string Metric, string Op, double Value, string Column) : Gate(Text);
    private sealed record EceThreshold(string Text, string Op, double Value) : Gate(Text);
    private sealed record TestsThreshold(string Text, string Type, string Op, double Value) : Gate(Text);

    /// <summary>The name <c>beats:</c> gates and comparisons give the model the registry's champion alias points at (when one exists).</summary>
    public const string Champion = "champion";

    /// <summary>Behavioural test types a gate can name as <c>tests.TYPE.pass_rate</c>.</summary>
    public static IReadOnlyList<string> TestTypes { get; } = ["invariance", "directional", "minimum"];

    /// <summary>The between-group summaries a gate can name with <c>on COLUMN</c>.</summary>
    public static IReadOnlyList<string> FairnessMetrics { get; } = ["demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference"];

    private const string EverySlice = " on every slice of ";
    private const string On = " on ";

    /// <summary>Checks the syntax, metric names and candidate names of every gate and, when <paramref name="task"/> is given,
    /// that each gate's metric applies to that task (so a run never trains only to find its gate undefined).</summary>
    /// <exception cref="KeelInputException">Names register.gates[i] and what was expected.</exception>
    public static void Parse(IReadOnlyList<string> gates, IReadOnlyCollection<string> candidateNames, TaskKind? task = null, EvaluationOptions? evaluation = null)
    {
        evaluation ??= new EvaluationOptions();
        for (var i = 0; i < gates.Count; i++)
        {
            var gate = ParseOne(gates[i], i, candidateNames);
            var field = $"register.gates[{i}] '{gates[i]}'";
            if (gate is SliceThreshold st && !evaluation.Slices.Contains(st.Column))
                throw new KeelInputException($"{field}: '{st.Column}' is not a slice column; expected one of evaluation.slices ({List(evaluation.Slices)}).");
            if (gate is FairnessThreshold ft && !evaluation.Sensitive.Contains(ft.Column))
                throw new KeelInputException($"{field}: '{ft.Column}' is not audited; expected one of evaluation.sensitive ({List(evaluation.Sensitive)}).");
            if (gate is EceThreshold or FairnessThreshold && task is { } bk && bk != TaskKind.Binary)
                throw new KeelInputException($"{field}: calibration and fairness gates need a binary task, but the task is {bk.ToString().ToLowerInvariant()}.");
            var t = gate switch
            {
                Threshold th => new Threshold(th.Text, th.Metric, th.Op, th.Value),
                SliceThreshold sl => new Threshold(sl.Text, sl.Metric, sl.Op, sl.Value),
                _ => null,
            };
            if (t is null || task is not { } k) continue;
            if (!MetricCatalog.Get(t.Metric).Tasks.Contains(k))
            {
                var fitting = string.Join(", ", MetricCatalog.All.Values.Where(m => m.Tasks.Contains(k)).Select(m => m.Name));
                throw new KeelInputException($"register.gates[{i}] '{gates[i]}': {t.Metric} does not apply to a {k.ToString().ToLowerInvariant()} task; expected one of: {fitting}.");
            }
        }
    }

    /// <summary>Evaluates every gate against the candidates' (test) metrics; a metric missing for the selected model fails its gate,
    /// and <c>beats</c> passes against a candidate whose metric is undefined.</summary>
    /// <exception cref="KeelInputException">A malformed gate, as <see cref="Parse"/>.</exception>
    /// <remarks>Gates on the test evaluation fail, naming what is missing, when <paramref name="report"/> is null or lacks their part.</remarks>
    public static IReadOnlyList<GateResult> Check(IReadOnlyList<string> gates, string selectedName,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metricsByCandidate, string selectionMetric, TestReport? report = null)
    {
        if (!metricsByCandidate.TryGetValue(selectedName, out var selected))
            throw new ArgumentException($"The selected model '{selectedName}' has no metrics.", nameof(selectedName));
        var results = new List<GateResult>();
        for (var i = 0; i < gates.Count; i++)
        {
            results.Add(ParseOne(gates[i], i, metricsByCandidate.Keys.ToArray()) switch
            {
                Threshold t => CheckThreshold(t, selected),
                Beats b when b.Candidate == Champion && !metricsByCandidate.ContainsKey(Champion) =>
                    new GateResult(b.Text, true, "the registry has no champion for this model yet: nothing to beat"),
                Beats { Significantly: true } b => CheckSignificant(b, selectedName, selectionMetric, report),
                Beats b => CheckBeats(b, selectedName, selected, metricsByCandidate[b.Candidate], selectionMetric),
                SliceThreshold s => CheckSlices(s, report),
                FairnessThreshold f => CheckFairness(f, report),
                EceThreshold e => CheckEce(e, report),
                TestsThreshold t => CheckTests(t, report),
                _ => throw new InvalidOperationException("unreachable"),
            });
        }
        return results;
    }

    private static GateResult CheckThreshold(Threshold t, IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue(t.Metric, out var v) || double.IsNaN(v))
            return new GateResult(t.Text, false, $"{t.Metric} is undefined for the selected model");
        return new GateResult(t.Text, Compare(t.Op, v, t.Value), $"{t.Metric} = {F(v)} (needs {t.Op} {F(t.Value)})");
    }

    private static GateResult CheckEce(EceThreshold e, TestReport? report) => report?.Calibration is { } c
        ? new GateResult(e.Text, Compare(e.Op, c.RegisteredEce, e.Value), $"ece = {F(c.RegisteredEce)} (needs {e.Op} {F(e.Value)})")
        : new GateResult(e.Text, false, "ece is undefined: no calibration was evaluated (binary tasks only)");

    /// <summary>The pass rate over every behavioural test of the type (rows passed / rows tested); a failure names a failing example.</summary>
    private static GateResult CheckTests(TestsThreshold t, TestReport? report)
    {
        var tests = report?.Behaviour.Where(b => b.Type == t.Type).ToArray() ?? [];
        if (tests.Length == 0) return new GateResult(t.Text, false, $"no {t.Type} test ran (evaluation.tests)");
        var rows = tests.Sum(b => b.Rows);
        var rate = rows == 0 ? 1 : (double)tests.Sum(b => b.Passed) / rows;
        var passed = Compare(t.Op, rate, t.Value);
        var detail = $"tests.{t.Type}.pass_rate = {F(rate)} (needs {t.Op} {F(t.Value)})";
        if (!passed && tests.FirstOrDefault(b => b.Examples.Count > 0) is { } failing)
            detail += $"; {failing.Name} fails on test row {failing.Examples[0].Row}: {failing.Examples[0].Detail}";
        return new GateResult(t.Text, passed, detail);
    }

    private static bool Compare(string op, double v, double limit) => op switch
    {
        ">=" => v >= limit,
        ">" => v > limit,
        "<=" => v <= limit,
        "<" => v < limit,
        _ => v == limit,
    };

    private static GateResult CheckSlices(SliceThreshold s, TestReport? report)
    {
        var all = report?.Slices.Where(x => x.Column == s.Column).ToArray() ?? [];
        var slices = all.Where(x => !x.BelowMinimum).ToArray();
        var small = all.Where(x => x.BelowMinimum).ToArray();
        var skipped = small.Length == 0 ? "" :
            $"; not judged, below the minimum slice size: {string.Join(", ", small.Select(x => $"{s.Column} = {x.Value} ({x.Rows} rows)"))}";
        if (slices.Length == 0) return new GateResult(s.Text, false, $"no slices of {s.Column} were evaluated{skipped}");
        var failing = slices.Where(x => !x.Metrics.TryGetValue(s.Metric, out var v) || double.IsNaN(v.Estimate) || !Compare(s.Op, v.Estimate, s.Value))
            .Select(x => $"{s.Column} = {x.Value}: {s.Metric} = {(x.Metrics.TryGetValue(s.Metric, out var v) ? F(v.Estimate) : "undefined")}")
            .ToArray();
        return failing.Length == 0
            ? new GateResult(s.Text, true, $"{s.Metric} {s.Op} {F(s.Value)} on all {slices.Length} slices of {s.Column} (lowest {F(slices.Min(x => x.Metrics.TryGetValue(s.Metric, out var v) ? v.Estimate : double.NaN))}){skipped}")
            : new GateResult(s.Text, false, $"fails on {string.Join("; ", failing)} (needs {s.Op} {F(s.Value)}){skipped}");
    }

    private static GateResult CheckFairness(FairnessThreshold f, TestReport? report)
    {
        var audit = report?.Fairness.FirstOrDefault(x => x.Column == f.Column);
        var interval = f.Metric switch
        {
            "demographic_parity_difference" => audit?.DemographicParityDifference,
            "demographic_parity_ratio" => audit?.DemographicParityRatio,
            _ => audit?.EqualizedOddsDifference,
        };
        if (audit is null || interval is null || double.IsNaN(interval.Estimate))
            return new GateResult(f.Text, false, $"{f.Metric} on {f.Column} is undefined (no audit of a binary task)");
        var passed = Compare(f.Op, interval.Estimate, f.Value);
        var rate = f.Metric.StartsWith("demographic", StringComparison.Ordinal) ? "selection rate" : f.Metric == "equalized_odds_difference" ? "TPR/FPR" : "";
        var groups = audit.Groups.Where(g => !double.IsNaN(g.SelectionRate)).OrderBy(g => g.SelectionRate).ToArray();
        var named = f.Metric == "equalized_odds_difference" ? WidestGap(audit) : groups.Length == 0 ? "" : $"; {rate} lowest in {f.Column} = {groups[0].Group}, highest in {f.Column} = {groups[^1].Group}";
        return new GateResult(f.Text, passed, $"{f.Metric} on {f.Column} = {F(interval.Estimate)} [{F(interval.Low)}, {F(interval.High)}] (needs {f.Op} {F(f.Value)}){named}");
    }

    private static string WidestGap(Fairness.FairnessResult audit)
    {
        (string Rate, GroupRange R) Of(string name, Func<Fairness.GroupRates, double> rate)
        {
            var g = audit.Groups.Where(x => !double.IsNaN(rate(x))).OrderBy(rate).ToArray();
            return (name, g.Length == 0 ? new GroupRange("", "", 0) : new GroupRange(g[0].Group, g[^1].Group, rate(g[^1]) - rate(g[0])));
        }
        var (which, r) = new[] { Of("TPR", x => x.TruePositiveRate), Of("FPR", x => x.FalsePositiveRate) }.MaxBy(x => x.R.Gap);
        return r.Low.Length == 0 ? "" : $"; widest {which} gap between {audit.Column} = {r.Low} and {audit.Column} = {r.High}";
    }

    private sealed record GroupRange(string Low, string High, double Gap);

    private static GateResult CheckSignificant(Beats b, string selectedName, string metric, TestReport? report)
    {
        if (b.Candidate == selectedName) return new GateResult(b.Text, false, $"{selectedName} is the selected model itself");
        var c = report?.Comparisons.FirstOrDefault(x => x.Against == b.Candidate && x.Metric == metric);
        if (c is null) return new GateResult(b.Text, false, $"no significance test of {metric} against {b.Candidate} was run");
        return new GateResult(b.Text, c.Verdict == "better",
            $"{metric} {F(c.Value)} vs {b.Candidate} {F(c.OtherValue)}: {c.Verdict} ({c.Test}, {P(c.PValue)})");
    }

    /// <summary>A p-value for people: "p = 0.0421", or "p &lt; 0.0001" below that.</summary>
    public static string P(double p) => double.IsNaN(p) ? "p undefined" : p < 1e-4 ? "p < 0.0001" : "p = " + p.ToString("0.####", CultureInfo.InvariantCulture);

    private static GateResult CheckBeats(Beats b, string selectedName, IReadOnlyDictionary<string, double> selected,
        IReadOnlyDictionary<string, double> other, string metric)
    {
        if (b.Candidate == selectedName) return new GateResult(b.Text, false, $"{selectedName} is the selected model itself");
        var has = selected.TryGetValue(metric, out var mine) && !double.IsNaN(mine);
        var theirs = other.TryGetValue(metric, out var o) ? o : double.NaN;
        if (!has) return new GateResult(b.Text, false, $"{metric} is undefined for the selected model");
        var passed = double.IsNaN(theirs) || MetricCatalog.Get(metric).IsBetter(mine, theirs);
        return new GateResult(b.Text, passed, $"{metric} {F(mine)} vs {b.Candidate} {F(theirs)}");
    }

    private static Gate ParseOne(string text, int index, IReadOnlyCollection<string> candidates)
    {
        var field = $"register.gates[{index}]";
        var s = text.Trim();
        if (s.StartsWith("beats:", StringComparison.Ordinal))
        {
            var name = s["beats:".Length..].Trim();
            var significantly = name.EndsWith(" significantly", StringComparison.Ordinal);
            if (significantly) name = name[..^" significantly".Length].Trim();
            if (name.Length == 0) throw new KeelInputException($"{field} '{text}': expected 'beats: CANDIDATE' with a model name.");
            if (!candidates.Contains(name) && name != Champion)
                throw new KeelInputException($"{field} '{text}': no model called '{name}'; models are: {string.Join(", ", candidates)} (or {Champion}, the registry's).");
            return new Beats(text, name, significantly);
        }
        string? column = null;
        var scope = s.IndexOf(EverySlice, StringComparison.Ordinal);
        var everySlice = scope >= 0;
        if (!everySlice) scope = s.IndexOf(On, StringComparison.Ordinal);
        if (scope >= 0)
        {
            column = s[(scope + (everySlice ? EverySlice : On).Length)..].Trim();
            s = s[..scope].Trim();
            if (column.Length == 0) throw new KeelInputException($"{field} '{text}': expected a column name after '{(everySlice ? EverySlice : On).Trim()}'.");
        }
        foreach (var op in Ops)
        {
            var at = s.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            var metric = s[..at].Trim();
            var number = s[(at + op.Length)..].Trim();
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new KeelInputException($"{field} '{text}': expected a number after '{op}', got '{number}'.");
            if (FairnessMetrics.Contains(metric))
            {
                if (column is null || everySlice)
                    throw new KeelInputException($"{field} '{text}': {metric} compares groups; expected '{metric} {op} {number} on COLUMN' with COLUMN in evaluation.sensitive.");
                return new FairnessThreshold(text, metric, op, value, column);
            }
            if (metric == "ece" && column is null) return new EceThreshold(text, op, value);
            if (metric.StartsWith("tests.", StringComparison.Ordinal) && column is null)
            {
                var type = metric.EndsWith(".pass_rate", StringComparison.Ordinal) ? metric["tests.".Length..^".pass_rate".Length] : "";
                if (!TestTypes.Contains(type))
                    throw new KeelInputException($"{field} '{text}': expected tests.TYPE.pass_rate with TYPE one of {string.Join(", ", TestTypes)}, got '{metric}'.");
                return new TestsThreshold(text, type, op, value);
            }
            // recall.CLASS: a per-class recall (a class the evaluation does not see fails the gate as an undefined metric).
            var classRecall = metric.StartsWith(MetricCatalog.ClassRecallPrefix, StringComparison.Ordinal) && metric.Length > MetricCatalog.ClassRecallPrefix.Length;
            if (!MetricCatalog.All.ContainsKey(metric) && !classRecall)
                throw new KeelInputException($"{field} '{text}': unknown metric '{metric}'; expected one of: {string.Join(", ", MetricCatalog.All.Keys.Concat(["recall.CLASS", "ece"]).Concat(FairnessMetrics))}.");
            if (column is not null && !everySlice)
                throw new KeelInputException($"{field} '{text}': expected '{metric} {op} {number} on every slice of COLUMN'.");
            return column is null ? new Threshold(text, metric, op, value) : new SliceThreshold(text, metric, op, value, column);
        }
        throw new KeelInputException($"{field} '{text}': expected 'METRIC OP NUMBER' (OP one of >= > <= < ==, e.g. 'auc >= 0.8') or 'beats: CANDIDATE'.");
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "none given" : string.Join(", ", names);

    private static string F(double v) => double.IsNaN(v) ? "undefined" : v.ToString("0.####", CultureInfo.InvariantCulture);
}
