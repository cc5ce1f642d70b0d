using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Metrics;

namespace Keel.Evaluation;

/// <summary>The outcome of one registration gate, with the figures it compared.</summary>
public sealed record GateResult(string Gate, bool Passed, string Detail);

/// <summary>Promotion gates: conditions the selected model's test metrics must meet before it is registered.</summary>
/// <remarks>Syntax: <c>METRIC OP NUMBER</c> with OP one of &gt;= &gt; &lt;= &lt; ==, e.g. <c>auc &gt;= 0.8</c>; or <c>beats: CANDIDATE</c>,
/// meaning the selected model's selection metric is strictly better than that candidate's.</remarks>
public static class Gates
{
    private static readonly string[] Ops = [">=", "<=", "==", ">", "<"];

    private abstract record Gate(string Text);
    private sealed record Threshold(string Text, string Metric, string Op, double Value) : Gate(Text);
    private sealed record Beats(string Text, string Candidate) : Gate(Text);

    /// <summary>Checks the syntax, metric names and candidate names of every gate and, when <paramref name="task"/> is given,
    /// that each gate's metric applies to that task (so a run never trains only to find its gate undefined).</summary>
    /// <exception cref="KeelInputException">Names register.gates[i] and what was expected.</exception>
    public static void Parse(IReadOnlyList<string> gates, IReadOnlyCollection<string> candidateNames, TaskKind? task = null)
    {
        for (var i = 0; i < gates.Count; i++)
        {
            if (ParseOne(gates[i], i, candidateNames) is not Threshold t || task is not { } k) continue;
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
    public static IReadOnlyList<GateResult> Check(IReadOnlyList<string> gates, string selectedName,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metricsByCandidate, string selectionMetric)
    {
        if (!metricsByCandidate.TryGetValue(selectedName, out var selected))
            throw new ArgumentException($"The selected model '{selectedName}' has no metrics.", nameof(selectedName));
        var results = new List<GateResult>();
        for (var i = 0; i < gates.Count; i++)
        {
            results.Add(ParseOne(gates[i], i, metricsByCandidate.Keys.ToArray()) switch
            {
                Threshold t => CheckThreshold(t, selected),
                Beats b => CheckBeats(b, selectedName, selected, metricsByCandidate[b.Candidate], selectionMetric),
                _ => throw new InvalidOperationException("unreachable"),
            });
        }
        return results;
    }

    private static GateResult CheckThreshold(Threshold t, IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue(t.Metric, out var v) || double.IsNaN(v))
            return new GateResult(t.Text, false, $"{t.Metric} is undefined for the selected model");
        var passed = t.Op switch
        {
            ">=" => v >= t.Value,
            ">" => v > t.Value,
            "<=" => v <= t.Value,
            "<" => v < t.Value,
            _ => v == t.Value,
        };
        return new GateResult(t.Text, passed, $"{t.Metric} = {F(v)} (needs {t.Op} {F(t.Value)})");
    }

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
            if (name.Length == 0) throw new KeelInputException($"{field} '{text}': expected 'beats: CANDIDATE' with a model name.");
            if (!candidates.Contains(name))
                throw new KeelInputException($"{field} '{text}': no model called '{name}'; models are: {string.Join(", ", candidates)}.");
            return new Beats(text, name);
        }
        foreach (var op in Ops)
        {
            var at = s.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            var metric = s[..at].Trim();
            var number = s[(at + op.Length)..].Trim();
            if (!MetricCatalog.All.ContainsKey(metric))
                throw new KeelInputException($"{field} '{text}': unknown metric '{metric}'; expected one of: {string.Join(", ", MetricCatalog.All.Keys)}.");
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new KeelInputException($"{field} '{text}': expected a number after '{op}', got '{number}'.");
            return new Threshold(text, metric, op, value);
        }
        throw new KeelInputException($"{field} '{text}': expected 'METRIC OP NUMBER' (OP one of >= > <= < ==, e.g. 'auc >= 0.8') or 'beats: CANDIDATE'.");
    }

    private static string F(double v) => double.IsNaN(v) ? "undefined" : v.ToString("0.####", CultureInfo.InvariantCulture);
}
