using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Core;
using Keel.Core.Metrics;

namespace Keel.Monitoring.Alerts;

/// <summary>One alert rule, e.g. <c>psi(distance) &gt; 0.2</c>: a window figure, a comparison and a threshold.</summary>
/// <param name="Text">The rule as written (normalised spacing); cooldown and de-duplication key on it.</param>
/// <param name="Figure">The figure it reads, e.g. psi(distance), drift_share, auc.</param>
/// <param name="Operator">One of &gt;, &gt;=, &lt;, &lt;=, ==, !=.</param>
/// <param name="Threshold">The number it compares with.</param>
public sealed partial record AlertRule(string Text, string Figure, string Operator, double Threshold)
{
    /// <summary>Per-column statistics a rule may name as STAT(column) (the window figures of drift monitoring).</summary>
    public static IReadOnlyList<string> ColumnStatistics => Drift.DriftAnalyzer.ColumnFigureNames;

    /// <summary>Window-level figures a rule may name: drift, serving, performance (every metric) and CBPE estimates.</summary>
    public static IReadOnlyList<string> WindowFigureNames { get; } =
    [
        "drift_share", "rows", "requests", "error_rate", "p50_ms", "p95_ms", "p99_ms", "labelled_rows", "concept_drift",
        "estimated_auc", "estimated_accuracy", .. MetricCatalog.All.Keys,
    ];

    [GeneratedRegex(@"^\s*(?<fig>[A-Za-z_][A-Za-z0-9_]*)\s*(\(\s*(?<arg>[^()]+?)\s*\))?\s*(?<op>>=|<=|==|!=|>|<|=)\s*(?<n>\S+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses FIGURE OP NUMBER; the message of the error says what was expected (the caller adds file, line and field).</summary>
    /// <exception cref="KeelInputException">Not of that form, an unknown figure, or a threshold that is not a number.</exception>
    public static AlertRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = Pattern().Match(text);
        if (!m.Success)
            throw new KeelInputException($"expected FIGURE OPERATOR NUMBER such as 'psi(distance) > 0.2' or 'auc < 0.8' (operators >, >=, <, <=, ==, !=), got '{text}'");
        var name = m.Groups["fig"].Value;
        var arg = m.Groups["arg"].Success ? m.Groups["arg"].Value : null;
        if (arg is not null && !ColumnStatistics.Contains(name))
            throw new KeelInputException($"unknown column statistic '{name}' in '{text}'; expected one of: {string.Join(", ", ColumnStatistics)}");
        if (arg is null && !WindowFigureNames.Contains(name))
        {
            var hint = ColumnStatistics.Contains(name) ? $"; {name} is per column, e.g. {name}(Income)" : $"; expected one of: {string.Join(", ", WindowFigureNames)} or STAT(column)";
            throw new KeelInputException($"unknown figure '{name}' in '{text}'{hint}");
        }
        var op = m.Groups["op"].Value;
        if (op == "=") throw new KeelInputException($"'=' in '{text}': expected == for equality");
        if (!double.TryParse(m.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) || !double.IsFinite(threshold))
            throw new KeelInputException($"threshold '{m.Groups["n"].Value}' in '{text}' is not a number");
        var figure = arg is null ? name : $"{name}({arg})";
        return new AlertRule($"{figure} {op} {m.Groups["n"].Value}", figure, op, threshold);
    }

    /// <summary>Whether the comparison holds for <paramref name="value"/> (for an alert rule: whether it is broken).</summary>
    public bool HoldsFor(double value) => Operator switch
    {
        ">" => value > Threshold,
        ">=" => value >= Threshold,
        "<" => value < Threshold,
        "<=" => value <= Threshold,
        "==" => value == Threshold,
        _ => value != Threshold,
    };
}
