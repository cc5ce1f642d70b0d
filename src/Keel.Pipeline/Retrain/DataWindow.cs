using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Data;

namespace Keel.Pipeline.Retrain;

/// <summary>The rows of a retraining: the data window it trains on and the comparison set held out from it.</summary>
/// <param name="Train">Rows (of the table read) the challenger may learn from.</param>
/// <param name="Comparison">The most recent labelled rows, held out; both models are scored on them.</param>
/// <param name="Description">The window in words, e.g. "sliding 60d: 2026-01-01 to 2026-02-28, 8000 rows", kept as a lineage tag.</param>
public sealed record WindowRows(int[] Train, int[] Comparison, string Description);

/// <summary>Chooses the rows of a retraining from the table read (data.path, or the window's files joined).</summary>
internal static class DataWindow
{
    /// <summary>The comparison set (the most recent labelled rows by time, else the last in file order) and the training window.</summary>
    /// <exception cref="KeelInputException">Too few labelled rows, or a sliding window without data.time_column.</exception>
    public static WindowRows Select(Table table, KeelSpec spec, RetrainPolicy policy, string source)
    {
        var label = table[spec.Data.Label];
        var time = spec.Data.TimeColumn is { } tc ? table[tc] as NumericColumn : null;
        if (spec.Data.TimeColumn is { } name && time is null)
            throw new KeelInputException($"{source} column '{name}' (data.time_column): expected date-times or numbers to order rows in time; set data.types.{name}: datetime.");
        if (policy.Window.Kind == WindowKind.Sliding && time is null)
            throw new KeelInputException("retrain.window: a sliding window needs data.time_column in the spec to know how old each row is.");
        var labelled = Enumerable.Range(0, table.RowCount).Where(r => !label.IsMissing(r) && (time is null || !double.IsNaN(time[r]))).ToArray();
        // A stable sort keeps file order among rows of the same time, so the choice is reproducible.
        var ordered = time is null ? labelled : labelled.OrderBy(r => time[r]).ToArray();
        var n = policy.ComparisonRows;
        if (ordered.Length < 2 * n)
            throw new KeelInputException($"{source}: {ordered.Length} labelled rows, but the comparison set (retrain.comparison.rows) takes the {n} most recent; expected at least {2 * n} so as many are left to train on.");
        var comparison = ordered[^n..];
        var held = new HashSet<int>(comparison);
        var train = Enumerable.Range(0, table.RowCount).Where(r => !held.Contains(r)).ToArray();
        string span = "";
        if (time is not null)
        {
            var latest = train.Where(r => !double.IsNaN(time[r])).Select(r => time[r]).DefaultIfEmpty(double.NaN).Max();
            if (policy.Window.Kind == WindowKind.Sliding)
            {
                var from = latest - policy.Window.Last!.Value.TotalSeconds;
                train = train.Where(r => !double.IsNaN(time[r]) && time[r] > from).ToArray();
            }
            var first = train.Where(r => !double.IsNaN(time[r])).Select(r => time[r]).DefaultIfEmpty(double.NaN).Min();
            span = $": {Date(time, first)} to {Date(time, latest)}";
        }
        var kind = policy.Window.Kind switch
        {
            WindowKind.Sliding => $"sliding {Format(policy.Window.Last!.Value)}",
            WindowKind.Files => $"files {string.Join(", ", policy.Window.Files)}",
            _ => "expanding",
        };
        var compared = time is null ? $"the last {n} labelled rows" : $"{n} rows from {Date(time, time[comparison[0]])} to {Date(time, time[comparison[^1]])}";
        return new WindowRows(train, comparison, $"{kind}{span}, {train.Length} rows; comparison {compared}");
    }

    /// <summary>The files of a files window read like data.path and joined; every file must have the same columns and types.</summary>
    public static LoadedTable ReadFiles(IReadOnlyList<string> paths, ReadOptions options)
    {
        var parts = paths.Select(p =>
        {
            if (!File.Exists(p)) throw new KeelInputException($"retrain.window.files: the file '{p}' does not exist.");
            return TableReader.Read(p, options);
        }).ToArray();
        var first = parts[0].Table;
        foreach (var part in parts.Skip(1))
        {
            var name = Path.GetFileName(part.Path);
            foreach (var c in first.Columns)
            {
                if (!part.Table.Contains(c.Name))
                    throw new KeelInputException($"{name}: no column '{c.Name}', which {Path.GetFileName(parts[0].Path)} has; every file of retrain.window.files needs the same columns.");
                if (part.Table[c.Name].Type != c.Type)
                    throw new KeelInputException($"{name} column '{c.Name}': read as {Lower(part.Table[c.Name].Type)} but as {Lower(c.Type)} in {Path.GetFileName(parts[0].Path)}; set data.types.{c.Name} in the spec.");
            }
        }
        var columns = first.Columns.Select(c => Concat(c, parts.Select(p => p.Table[c.Name]).ToArray())).ToArray();
        return new LoadedTable(new Table(columns), parts[0].Path, parts[0].Format, string.Join("+", parts.Select(p => p.Sha256[..12])), parts.Sum(p => p.Bytes));
    }

    private static Column Concat(Column like, Column[] parts) => like switch
    {
        NumericColumn => new NumericColumn(like.Name, parts.SelectMany(p => ((NumericColumn)p).Values.ToArray()).ToArray(), like.Type),
        _ => new StringColumn(like.Name, parts.SelectMany(p => ((StringColumn)p).Values.ToArray()).ToArray(), like.Type),
    };

    private static string Date(NumericColumn time, double v) => double.IsNaN(v) ? "?"
        : time.Type == ColumnType.DateTime ? DateTimeOffset.FromUnixTimeMilliseconds((long)(v * 1000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Format(TimeSpan t) => t.TotalDays >= 1 && t.TotalDays == Math.Floor(t.TotalDays) ? $"{t.TotalDays:0}d" : $"{t.TotalHours:0.##}h";

    private static string Lower(ColumnType t) => t.ToString().ToLowerInvariant();
}
