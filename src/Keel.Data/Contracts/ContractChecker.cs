using System.Globalization;
using Keel.Core.Data;
using Keel.Data.Quality;

namespace Keel.Data.Contracts;

/// <summary>One breach of a contract: the rule, where (column, 0-based data row) and what was found.</summary>
/// <param name="Rule">missing_column, type, below_min, above_max, unknown_category, missing_rate, row_count or extra_column.</param>
/// <param name="Severity">error for a missing column or a value of the wrong type; info for an extra column; warning otherwise.</param>
/// <param name="Column">The column, or null for row_count.</param>
/// <param name="Row">The 0-based data row, or null for a whole-column or whole-table rule.</param>
/// <param name="Value">The offending value as read, or null.</param>
/// <param name="Message">What was expected.</param>
public sealed record Violation(string Rule, Severity Severity, string? Column, long? Row, string? Value, string Message);

/// <summary>Checks a table against a <see cref="DataContract"/>, listing every violation with its row and column.</summary>
public static class ContractChecker
{
    /// <summary>Every violation of <paramref name="contract"/> by <paramref name="table"/>, in column order then row order.</summary>
    /// <param name="table">The data.</param>
    /// <param name="contract">The contract.</param>
    /// <param name="ignore">Columns of the contract not expected here (e.g. the label when scoring). Default: none.</param>
    /// <param name="decimalComma">Whether numbers in text columns may have a decimal comma ("39,1"), as the file was read.</param>
    public static IReadOnlyList<Violation> Check(Table table, DataContract contract, IReadOnlyCollection<string>? ignore = null, bool decimalComma = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(contract);
        var violations = new List<Violation>();
        var n = table.RowCount;
        if (n < contract.Rows.Min || n > contract.Rows.Max)
            violations.Add(new Violation("row_count", Severity.Warning, null, null, n.ToString(CultureInfo.InvariantCulture),
                $"{n} rows; the contract expects {contract.Rows.Min} to {contract.Rows.Max}."));
        foreach (var c in contract.Columns)
        {
            if (ignore?.Contains(c.Name) == true) continue;
            if (!table.Contains(c.Name))
            {
                violations.Add(new Violation("missing_column", Severity.Error, c.Name, null, null, $"column '{c.Name}' ({c.Type}) is not in the data."));
                continue;
            }
            CheckColumn(table[c.Name], c, violations, decimalComma);
        }
        var known = contract.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in table.Columns.Where(c => !known.Contains(c.Name)))
            violations.Add(new Violation("extra_column", Severity.Info, extra.Name, null, null, $"column '{extra.Name}' is not in the contract (it is not used)."));
        return violations;
    }

    private static void CheckColumn(Column column, ColumnContract c, List<Violation> violations, bool decimalComma)
    {
        var type = Enum.Parse<ColumnType>(c.Type, ignoreCase: true);
        var numericExpected = type is ColumnType.Numeric or ColumnType.DateTime or ColumnType.Boolean;
        var missing = column.MissingCount();
        for (var r = 0; r < column.Length; r++)
        {
            if (column.IsMissing(r)) continue;
            double? number = null;
            if (numericExpected)
            {
                if (column is NumericColumn num)
                {
                    if (num.Type != type && !(type == ColumnType.Numeric && num.Type == ColumnType.Boolean))
                    {
                        violations.Add(new Violation("type", Severity.Error, c.Name, null, null,
                            $"column '{c.Name}' reads as {num.Type.ToString().ToLowerInvariant()}; the contract expects {c.Type}."));
                        return;
                    }
                    number = num[r];
                }
                else
                {
                    var text = column.Format(r);
                    if (!TryConvert(text, type, decimalComma, out var v))
                    {
                        violations.Add(new Violation("type", Severity.Error, c.Name, r, text, $"'{text}' is not a {c.Type} value."));
                        continue;
                    }
                    number = v;
                }
                if (number < c.Min)
                    violations.Add(new Violation("below_min", Severity.Warning, c.Name, r, column.Format(r), $"below the contract's minimum {Show(c.Min!.Value, type)}."));
                else if (number > c.Max)
                    violations.Add(new Violation("above_max", Severity.Warning, c.Name, r, column.Format(r), $"above the contract's maximum {Show(c.Max!.Value, type)}."));
            }
            else if (c.Categories is { } categories)
            {
                var text = column.Format(r);
                if (!Contains(categories, text))
                    violations.Add(new Violation("unknown_category", Severity.Warning, c.Name, r, text, $"'{text}' is not one of the {categories.Count} categories seen in training."));
            }
        }
        var rate = column.Length == 0 ? 0 : (double)missing / column.Length;
        if (rate > c.MaxMissingRate)
            violations.Add(new Violation("missing_rate", Severity.Warning, c.Name, null, null,
                $"{IntegrityChecks.Pct(missing, column.Length)} missing; the contract allows at most {(c.MaxMissingRate * 100).ToString("0.##", CultureInfo.InvariantCulture)} %."));
    }

    private static bool Contains(IReadOnlyList<string> categories, string value)
    {
        // Inferred lists are sorted; a hand-edited one may not be, so fall back to a scan.
        if (categories is string[] array && IsSorted(array)) return Array.BinarySearch(array, value, StringComparer.Ordinal) >= 0;
        return categories.Contains(value, StringComparer.Ordinal);
    }

    private static bool IsSorted(string[] a)
    {
        for (var i = 1; i < a.Length; i++)
        {
            if (string.CompareOrdinal(a[i - 1], a[i]) > 0) return false;
        }
        return true;
    }

    private static bool TryConvert(string text, ColumnType type, bool decimalComma, out double value)
    {
        value = 0;
        switch (type)
        {
            case ColumnType.Boolean:
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) value = 1;
                else if (!text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
                return true;
            case ColumnType.DateTime:
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return false;
                value = t.ToUnixTimeMilliseconds() / 1000.0;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                    || (decimalComma && ValueParser.TryParseNumber(text, out value, decimalComma: true));
        }
    }

    private static string Show(double v, ColumnType type) => type == ColumnType.DateTime
        ? NumericColumn.FormatTime(v)
        : v.ToString("G10", CultureInfo.InvariantCulture);
}
