using System.Globalization;
using Keel.Core.Data;

namespace Keel.Data.Quality;

/// <summary>Integrity checks on any table: duplicates, conflicting labels, constant columns, mixed types, category variants,
/// extreme outliers, class imbalance and label-noise suspects. Rows in findings are table rows (0-based).</summary>
public static class IntegrityChecks
{
    /// <summary>Runs every check on <paramref name="table"/>; <paramref name="label"/> (a column of it, or null) enables the label checks.</summary>
    public static IReadOnlyList<Finding> Run(Table table, string? label, IntegrityOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<Finding>();
        var features = label is null ? table.Columns : table.Columns.Where(c => c.Name != label).ToArray();
        Duplicates(table, options, findings);
        foreach (var column in table.Columns)
        {
            Constant(column, options, findings);
            if (column is StringColumn s)
            {
                MixedTypes(s, options, findings);
                if (s.Type == ColumnType.Categorical) Variants(s, options, findings);
            }
            else if (column is NumericColumn { Type: ColumnType.Numeric } n)
            {
                Outliers(n, options, findings);
                if (n.Name != label) RowNumber(n, findings);
            }
        }
        if (label is not null)
        {
            var y = table[label];
            ConflictingLabels(features, y, options, findings);
            if (y is StringColumn or NumericColumn { Type: ColumnType.Boolean } || IsFewIntegers(y)) LabelChecks(table, features, y, options, findings);
        }
        return findings;
    }

    private static void Duplicates(Table table, IntegrityOptions options, List<Finding> findings)
    {
        var keys = RowHasher.Keys(table.Columns, table.RowCount, normalise: false);
        var first = new Dictionary<(ulong, ulong), int>();
        var repeats = new List<int>();
        for (var r = 0; r < keys.Length; r++)
        {
            if (!first.TryAdd(keys[r], r)) repeats.Add(r);
        }
        if (repeats.Count == 0) return;
        findings.Add(new Finding("duplicate_rows", Severity.Warning,
            $"{repeats.Count} row(s) repeat an earlier row exactly (every column); the first: row {options.Shown(repeats[0])} repeats row {options.Shown(first[keys[repeats[0]]])}.")
        {
            Rows = Finding.Listed(repeats.Select(options.Shown)),
            RowCount = repeats.Count,
            Fix = "Drop the repeated rows, or keep them only if they are real repeated events (then split by group so copies never straddle train and test).",
        });
    }

    /// <summary>Fewest rows for <see cref="IsRowNumber"/>: below it a run of distinct whole numbers is too likely by chance.</summary>
    private const int RowNumberMinRows = 20;

    /// <summary>
    /// Whether <paramref name="column"/> holds consecutive whole numbers, each once, in at least 20 rows with none missing
    /// (0..n-1, 1..n or any run): a row index or a counter, which as a feature only tells rows apart by position.
    /// </summary>
    public static bool IsRowNumber(Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column is not NumericColumn { Type: ColumnType.Numeric } numbers || numbers.Length < RowNumberMinRows || numbers.MissingCount() > 0)
            return false;
        var (min, max) = Range(numbers);
        if (!double.IsFinite(min) || !double.IsFinite(max) || max - min + 1 != numbers.Length) return false;
        var seen = new HashSet<double>();
        for (var r = 0; r < numbers.Length; r++)
        {
            var v = numbers[r];
            if (v != Math.Floor(v) || !seen.Add(v)) return false;
        }
        return true;
    }

    private static (double Min, double Max) Range(NumericColumn column)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var r = 0; r < column.Length; r++)
        {
            min = Math.Min(min, column[r]);
            max = Math.Max(max, column[r]);
        }
        return (min, max);
    }

    private static void RowNumber(NumericColumn column, List<Finding> findings)
    {
        if (!IsRowNumber(column)) return;
        var (min, max) = Range(column);
        findings.Add(new Finding("row_number_column", Severity.Warning,
            $"column '{column.Name}' holds each whole number from {min.ToString("0", CultureInfo.InvariantCulture)} to {max.ToString("0", CultureInfo.InvariantCulture)} once, one per row: it looks like a row number or a counter. As a feature it tells rows apart only by their position: a model learns the file's order, and the label too when the file is sorted by it.")
        {
            Columns = [column.Name],
            Fix = $"Leave it out (data.ignore: [{column.Name}]), unless the order itself means something (then use it as data.time_column or a real feature).",
        });
    }

    private static void ConflictingLabels(IReadOnlyList<Column> features, Column label, IntegrityOptions options, List<Finding> findings)
    {
        if (features.Count == 0) return;
        var keys = RowHasher.Keys(features, label.Length, normalise: false);
        var byKey = new Dictionary<(ulong, ulong), (string Label, int Row, bool Conflict)>();
        var conflicting = new List<int>();
        for (var r = 0; r < keys.Length; r++)
        {
            if (label.IsMissing(r)) continue;
            var value = label.Format(r);
            if (!byKey.TryGetValue(keys[r], out var seen)) byKey[keys[r]] = (value, r, false);
            else if (seen.Label != value)
            {
                if (!seen.Conflict) conflicting.Add(seen.Row);
                conflicting.Add(r);
                byKey[keys[r]] = seen with { Conflict = true };
            }
        }
        if (conflicting.Count == 0) return;
        conflicting.Sort();
        findings.Add(new Finding("conflicting_labels", Severity.Warning,
            $"{conflicting.Count} row(s) have the same features as another row but a different '{label.Name}' (e.g. rows {string.Join(", ", conflicting.Take(4).Select(options.Shown))}).")
        {
            Columns = [label.Name],
            Rows = Finding.Listed(conflicting.Select(options.Shown)),
            RowCount = conflicting.Count,
            Fix = "Check how these rows were labelled; relabel or drop the wrong ones, or add the feature that tells them apart.",
        });
    }

    private static void Constant(Column column, IntegrityOptions options, List<Finding> findings)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var present = 0;
        for (var r = 0; r < column.Length; r++)
        {
            if (column.IsMissing(r)) continue;
            present++;
            var v = column.Format(r);
            counts[v] = counts.GetValueOrDefault(v) + 1;
        }
        if (present == 0)
        {
            findings.Add(new Finding("constant_column", Severity.Warning, $"column '{column.Name}' is missing in every row.")
            {
                Columns = [column.Name],
                Fix = $"Drop it (data.ignore: [{column.Name}]) or fix the source.",
            });
            return;
        }
        var top = counts.MaxBy(kv => kv.Value);
        if (counts.Count == 1)
        {
            findings.Add(new Finding("constant_column", Severity.Warning, $"column '{column.Name}' holds one value ('{top.Key}') in all {present} present rows.")
            {
                Columns = [column.Name],
                Fix = $"Drop it (data.ignore: [{column.Name}]): it cannot help a model.",
            });
        }
        else if (present >= 100 && (double)top.Value / present >= options.NearConstantShare)
        {
            findings.Add(new Finding("near_constant_column", Severity.Info,
                $"column '{column.Name}': '{top.Key}' holds {Pct(top.Value, present)} of the present values ({present - top.Value} other row(s)).")
            {
                Columns = [column.Name],
                Fix = "Keep it if the rare values matter (a rare flag); otherwise drop it.",
            });
        }
    }

    private enum Kind { Number, Boolean, Date, Text }

    private static Kind KindOf(string v)
    {
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return Kind.Number;
        if (v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase)) return Kind.Boolean;
        if (v.Length >= 8 && char.IsDigit(v[0]) && DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)) return Kind.Date;
        return Kind.Text;
    }

    /// <summary>A string column whose values are of two or more kinds (numbers, booleans, dates, text), the minority at least 1 %.</summary>
    private static void MixedTypes(StringColumn column, IntegrityOptions options, List<Finding> findings)
    {
        var rows = new Dictionary<Kind, List<int>>();
        var present = 0;
        for (var r = 0; r < column.Length; r++)
        {
            if (column[r] is not { } v) continue;
            present++;
            var k = KindOf(v.Trim());
            if (!rows.TryGetValue(k, out var list)) rows[k] = list = [];
            list.Add(r);
        }
        if (rows.Count < 2) return;
        var minority = rows.OrderBy(kv => kv.Value.Count).First();
        // Codes such as 1, 2, 3+ or a stray 'unknown' among numbers are common and harmless below 1 %.
        if (minority.Value.Count < Math.Max(2, present / 100)) return;
        var examples = string.Join(", ", minority.Value.Take(3).Select(r => $"'{column[r]}' (row {options.Shown(r)})"));
        findings.Add(new Finding("mixed_types", Severity.Warning,
            $"column '{column.Name}' mixes kinds of values: {string.Join(", ", rows.OrderByDescending(kv => kv.Value.Count).Select(kv => $"{kv.Value.Count} {kv.Key.ToString().ToLowerInvariant()}"))}; e.g. {examples}.")
        {
            Columns = [column.Name],
            Rows = Finding.Listed(minority.Value.Select(options.Shown)),
            RowCount = minority.Value.Count,
            Fix = $"Make the column one kind: list the tokens that mean 'missing' in data.missing, or set data.types.{column.Name}.",
        });
    }

    /// <summary>Categories that differ only in case or spaces ('Rent', 'rent ', 'RENT').</summary>
    private static void Variants(StringColumn column, IntegrityOptions options, List<Finding> findings)
    {
        var groups = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        for (var r = 0; r < column.Length; r++)
        {
            if (column[r] is not { } v) continue;
            var key = RowHasher.Normalise(v);
            if (!groups.TryGetValue(key, out var g)) groups[key] = g = new Dictionary<string, int>(StringComparer.Ordinal);
            g[v] = g.GetValueOrDefault(v) + 1;
        }
        var variants = groups.Values.Where(g => g.Count > 1).ToArray();
        if (variants.Length == 0) return;
        var rows = new List<int>();
        var minor = variants.SelectMany(g => g.OrderByDescending(kv => kv.Value).Skip(1).Select(kv => kv.Key)).ToHashSet(StringComparer.Ordinal);
        for (var r = 0; r < column.Length; r++)
        {
            if (column[r] is { } v && minor.Contains(v)) rows.Add(r);
        }
        var shown = string.Join("; ", variants.Take(5).Select(g => string.Join(", ", g.OrderByDescending(kv => kv.Value).Select(kv => $"'{kv.Key}' ({kv.Value})"))));
        findings.Add(new Finding("category_variants", Severity.Warning,
            $"column '{column.Name}' has {variants.Length} categor{(variants.Length == 1 ? "y" : "ies")} written in several ways (case or spaces): {shown}.")
        {
            Columns = [column.Name],
            Rows = Finding.Listed(rows.Select(options.Shown)),
            RowCount = rows.Count,
            Fix = "Normalise the values at the source (trim, one case) so each category is one value.",
        });
    }

    private static void Outliers(NumericColumn column, IntegrityOptions options, List<Finding> findings)
    {
        var finite = new List<double>(column.Length);
        foreach (var v in column.Values)
        {
            if (double.IsFinite(v)) finite.Add(v);
        }
        if (finite.Count < 20) return;
        finite.Sort();
        var median = Median(finite);
        var deviations = finite.Select(v => Math.Abs(v - median)).ToList();
        deviations.Sort();
        var scale = 1.4826 * Median(deviations);
        if (scale == 0) return; // mostly one value: the near-constant check speaks for it
        var rows = new List<int>();
        for (var r = 0; r < column.Length; r++)
        {
            var v = column[r];
            if (double.IsFinite(v) && Math.Abs(v - median) / scale > options.OutlierRobustZ) rows.Add(r);
        }
        if (rows.Count == 0) return;
        var worst = rows.MaxBy(r => Math.Abs(column[r] - median));
        findings.Add(new Finding("extreme_outliers", rows.Count * 100 < column.Length ? Severity.Info : Severity.Warning,
            $"column '{column.Name}': {rows.Count} value(s) lie more than {options.OutlierRobustZ:0.#} robust standard deviations from the median {F(median)} (the farthest: {F(column[worst])} in row {options.Shown(worst)}).")
        {
            Columns = [column.Name],
            Rows = Finding.Listed(rows.Select(options.Shown)),
            RowCount = rows.Count,
            Fix = "Check for unit or entry errors (a sentinel such as 999999, cents for dollars); fix or mark them missing. Tree models are robust to real extremes.",
        });
    }

    private static bool IsFewIntegers(Column label)
    {
        if (label is not NumericColumn n) return false;
        var distinct = new HashSet<double>();
        foreach (var v in n.Values)
        {
            if (double.IsNaN(v)) continue;
            if (v != Math.Floor(v)) return false;
            distinct.Add(v);
            if (distinct.Count > 20) return false;
        }
        return distinct.Count >= 2;
    }

    private static void LabelChecks(Table table, IReadOnlyList<Column> features, Column label, IntegrityOptions options, List<Finding> findings)
    {
        var kept = Enumerable.Range(0, label.Length).Where(r => !label.IsMissing(r)).ToArray();
        var names = kept.Select(label.Format).ToArray();
        var classes = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2) return;
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var y = names.Select(c => index[c]).ToArray();
        var counts = new int[classes.Length];
        foreach (var c in y) counts[c]++;
        var max = counts.Max();
        var rare = Enumerable.Range(0, classes.Length).Where(k => counts[k] < options.ImbalanceRatio * max).ToArray();
        if (rare.Length > 0)
        {
            findings.Add(new Finding("class_imbalance", Severity.Warning,
                $"label '{label.Name}' is imbalanced: {string.Join(", ", rare.Select(k => $"'{classes[k]}' has {counts[k]} row(s) ({Pct(counts[k], kept.Length)})"))} against {max} for '{classes[Array.IndexOf(counts, max)]}'.")
            {
                Columns = [label.Name],
                Fix = "Judge models by pr_auc, balanced accuracy or per-class recall rather than accuracy; consider class weights or resampling of the training rows.",
            });
        }
        if (!options.LabelNoise || features.Count == 0 || kept.Length < 50) return;
        var featureTable = new Table(features.Select(c => c.Take(kept)).ToArray());
        var p = NaiveBayes.OutOfFold(featureTable, y, classes.Length, options.Folds, options.Seed);
        // Confident learning (Northcutt et al. 2021): a class's threshold is the mean probability the model gives it on rows
        // labelled with it; a row is a suspect when another class clears its threshold and its own label is very unlikely.
        var thresholds = new double[classes.Length];
        for (var i = 0; i < y.Length; i++) thresholds[y[i]] += p[i][y[i]];
        for (var k = 0; k < classes.Length; k++) thresholds[k] /= Math.Max(1, counts[k]);
        var suspects = new List<(int Row, double Own)>();
        for (var i = 0; i < y.Length; i++)
        {
            var best = -1;
            for (var k = 0; k < classes.Length; k++)
            {
                if (p[i][k] >= thresholds[k] && (best < 0 || p[i][k] > p[i][best])) best = k;
            }
            if (best >= 0 && best != y[i] && p[i][y[i]] < options.NoiseMaxLabelProbability) suspects.Add((kept[i], p[i][y[i]]));
        }
        if (suspects.Count == 0) return;
        var ordered = suspects.OrderBy(s => s.Own).ThenBy(s => s.Row).Select(s => options.Shown(s.Row)).ToArray();
        findings.Add(new Finding("label_noise_suspects", Severity.Info,
            $"{suspects.Count} row(s) ({Pct(suspects.Count, kept.Length)}) have a '{label.Name}' that an out-of-fold naive Bayes model finds very unlikely (probability below {options.NoiseMaxLabelProbability:0.##}) while it is confident in another class; the most doubtful first: rows {string.Join(", ", ordered.Take(5))}.")
        {
            Columns = [label.Name],
            Rows = Finding.Listed(ordered),
            RowCount = suspects.Count,
            Fix = "Review these labels; relabel the wrong ones (a few percent of noisy labels is common and usually tolerable).",
        });
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    internal static string Pct(int part, int whole) => (100.0 * part / whole).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
