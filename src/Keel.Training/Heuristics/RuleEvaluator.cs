using System.Globalization;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Training.Heuristics;

/// <summary>Evaluates a rule condition over a whole table at once, giving a row mask; a missing value never matches a comparison.</summary>
internal static class RuleEvaluator
{
    /// <summary>The rows of <paramref name="table"/> where <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The parsed condition.</param>
    /// <param name="table">The rows.</param>
    /// <param name="where">Prefixes errors, e.g. "models[2] (rules) rule 1 'Age &lt; x -> bad'".</param>
    /// <param name="source">Names the table in errors, e.g. "credit.csv".</param>
    public static bool[] Evaluate(Condition condition, Table table, string where, string source)
    {
        switch (condition)
        {
            case AndCondition a:
            {
                var l = Evaluate(a.Left, table, where, source);
                var r = Evaluate(a.Right, table, where, source);
                for (var i = 0; i < l.Length; i++) l[i] &= r[i];
                return l;
            }
            case OrCondition o:
            {
                var l = Evaluate(o.Left, table, where, source);
                var r = Evaluate(o.Right, table, where, source);
                for (var i = 0; i < l.Length; i++) l[i] |= r[i];
                return l;
            }
            case MissingCheck m:
            {
                var column = Find(table, m.Column, where, source);
                var mask = new bool[table.RowCount];
                for (var i = 0; i < mask.Length; i++) mask[i] = column.IsMissing(i) != m.Negated;
                return mask;
            }
            case Comparison c:
                return Find(table, c.Column, where, source) switch
                {
                    NumericColumn n => CompareNumbers(n, c, Target(n, c, where)),
                    StringColumn s => CompareStrings(s, c, where),
                    _ => throw new InvalidOperationException("Unknown column kind."),
                };
            default:
                throw new InvalidOperationException($"Unknown condition {condition.GetType().Name}.");
        }
    }

    private static Column Find(Table table, string name, string where, string source) =>
        table.Contains(name) ? table[name] : throw new KeelInputException($"{where}: column '{name}' is not in {source}.");

    private static double Target(NumericColumn column, Comparison c, string where)
    {
        if (c.Number is { } d) return d;
        var text = c.Literal.Trim();
        if (column.Type == ColumnType.Boolean)
        {
            if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("yes", StringComparison.OrdinalIgnoreCase)) return 1;
            if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.Equals("no", StringComparison.OrdinalIgnoreCase)) return 0;
        }
        if (column.Type == ColumnType.DateTime &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            return (t - DateTimeOffset.UnixEpoch).TotalSeconds;
        var expected = column.Type switch
        {
            ColumnType.Boolean => "true, false or a number",
            ColumnType.DateTime => "a date such as \"2024-01-31\" or a number of Unix seconds",
            _ => "a number",
        };
        throw new KeelInputException($"{where}: column '{c.Column}' is {column.Type}; expected {expected}, got '{c.Literal}'.");
    }

    private static bool[] CompareNumbers(NumericColumn column, Comparison c, double target)
    {
        var values = column.Values;
        var mask = new bool[values.Length];
        for (var i = 0; i < mask.Length; i++)
        {
            var v = values[i];
            mask[i] = !double.IsNaN(v) && c.Op switch
            {
                "<" => v < target,
                "<=" => v <= target,
                ">" => v > target,
                ">=" => v >= target,
                "==" => v == target,
                _ => v != target,
            };
        }
        return mask;
    }

    private static bool[] CompareStrings(StringColumn column, Comparison c, string where)
    {
        if (c.Op is not ("==" or "!="))
            throw new KeelInputException($"{where}: column '{c.Column}' is {column.Type}; only == and != apply to it, got '{c.Op}'.");
        var equal = c.Op == "==";
        var values = column.Values;
        var mask = new bool[values.Length];
        for (var i = 0; i < mask.Length; i++) mask[i] = values[i] is { } v && string.Equals(v, c.Literal, StringComparison.Ordinal) == equal;
        return mask;
    }
}
