using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Data;
using Keel.Data.Labels;

namespace Keel.Pipeline.Labels;

/// <summary>One label given to one row by one annotator at one time (a line of the lineage file).</summary>
public sealed record Annotation(int Row, string Label, string Annotator, DateTimeOffset Time);

/// <summary>How much annotators agree where rows were labelled more than once.</summary>
/// <param name="Annotations">Annotations in the lineage file.</param>
/// <param name="Annotators">Distinct annotators.</param>
/// <param name="Rows">Rows with at least one label.</param>
/// <param name="MultiplyLabelled">Rows labelled by two annotators or more.</param>
/// <param name="Agreement">Share of agreeing pairs of labels per row, averaged over those rows; null when none.</param>
/// <param name="CohensKappa">Cohen's kappa over the rows both labelled, when there are exactly two annotators; else null.</param>
/// <param name="FleissKappa">Fleiss' kappa over the rows labelled by the most common number of annotators (two or more); null when none.</param>
/// <param name="FleissRows">Rows <paramref name="FleissKappa"/> is over.</param>
public sealed record Multiplicity(int Annotations, IReadOnlyList<string> Annotators, int Rows, int MultiplyLabelled, double? Agreement,
    double? CohensKappa, double? FleissKappa, int FleissRows);

/// <summary>What `keel label import` did.</summary>
/// <param name="Imported">Labels read from the labels file.</param>
/// <param name="Data">The data file updated.</param>
/// <param name="Lineage">The lineage file appended to.</param>
/// <param name="LabelColumn">The label column written.</param>
/// <param name="Labelled">Rows of the data file with a label now.</param>
/// <param name="Multiplicity">Agreement between annotators.</param>
public sealed record ImportOutcome(int Imported, string Data, string Lineage, string LabelColumn, int Labelled, Multiplicity Multiplicity);

/// <summary>Labels from annotators: the lineage file beside the data (FILE.labels.csv: row, label, annotator, time, appended to,
/// never rewritten) and the data's label column, set per row to the most given label (ties: the earliest).</summary>
public static class Annotations
{
    /// <summary>The lineage file of a data file.</summary>
    public static string LineagePath(string data) => data + ".labels.csv";

    /// <summary>Adds the labels of <paramref name="labels"/> (a CSV with row and label columns; others are ignored) by
    /// <paramref name="annotator"/> at <paramref name="time"/>, and sets the data's label column from all annotations, in the
    /// data file's own format with everything else in it left as it was (<see cref="LabelColumnWriter"/>).</summary>
    /// <param name="data">The data file (CSV/TSV, JSON Lines or Parquet).</param>
    /// <param name="labels">The labels file.</param>
    /// <param name="annotator">Who gave the labels.</param>
    /// <param name="labelColumn">The data's label column (added when absent).</param>
    /// <param name="time">When.</param>
    /// <param name="read">How the data file is read (format, encoding, delimiter); it is written back the same way.</param>
    /// <exception cref="KeelInputException">A missing file or column, a bad row number (file, line, column named), or an empty annotator.</exception>
    public static ImportOutcome Import(string data, string labels, string annotator, string labelColumn, DateTimeOffset time, ReadOptions read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (string.IsNullOrWhiteSpace(annotator) || annotator.Contains(',', StringComparison.Ordinal))
            throw new KeelInputException($"--annotator: expected a name without commas, got '{annotator}'.");
        if (!File.Exists(data)) throw new KeelInputException($"{data}: the data file does not exist.");
        if (!File.Exists(labels)) throw new KeelInputException($"{labels}: the labels file does not exist.");
        var table = TableReader.Read(data, read with { AsText = true }).Table;
        var incoming = ReadLabels(labels, table.RowCount, annotator, time);
        var lineage = LineagePath(data);
        var all = ReadLineage(lineage, table.RowCount).Concat(incoming).ToArray();

        var consensus = all.GroupBy(a => a.Row).ToDictionary(g => g.Key, g => g.GroupBy(a => a.Label, StringComparer.Ordinal)
            .OrderByDescending(x => x.Count()).ThenBy(x => x.Min(a => a.Time)).First().Key);
        var existing = table.Columns.FirstOrDefault(c => c.Name == labelColumn);
        // The data file is written first (atomically) and the lineage appended after, so a failed write leaves both as they were.
        LabelColumnWriter.Write(data, read, labelColumn, consensus);
        var exists = File.Exists(lineage);
        File.AppendAllLines(lineage, (exists ? [] : new[] { "row,label,annotator,time" })
            .Concat(incoming.Select(a => string.Join(',', a.Row.ToString(CultureInfo.InvariantCulture), LabelCsv.Quote(a.Label), LabelCsv.Quote(a.Annotator), a.Time.ToString("O", CultureInfo.InvariantCulture)))));
        var labelled = Enumerable.Range(0, table.RowCount).Count(r => consensus.ContainsKey(r) || (existing is not null && !existing.IsMissing(r)));
        return new ImportOutcome(incoming.Length, data, lineage, labelColumn, labelled, Measure(all));
    }

    /// <summary>The multiplicity of the annotations in a data file's lineage file.</summary>
    public static Multiplicity Measure(string data)
    {
        var lineage = LineagePath(data);
        if (!File.Exists(lineage)) throw new KeelInputException($"{lineage}: no lineage file; labels are recorded there by 'keel label import'.");
        return Measure(ReadLineage(lineage, int.MaxValue));
    }

    /// <summary>Agreement over <paramref name="annotations"/>, taking each annotator's latest label per row.</summary>
    public static Multiplicity Measure(IReadOnlyList<Annotation> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var latest = annotations.GroupBy(a => (a.Row, a.Annotator)).Select(g => g.OrderBy(a => a.Time).Last()).ToArray();
        var byRow = latest.GroupBy(a => a.Row).ToDictionary(g => g.Key, g => g.ToArray());
        var annotators = latest.Select(a => a.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var multiple = byRow.Values.Where(v => v.Length >= 2).ToArray();
        var agreement = Agreement.PairwiseAgreement(multiple.Select(v => (IReadOnlyList<string>)v.Select(a => a.Label).ToArray()));
        double? cohen = null;
        if (annotators.Length == 2 && multiple.Length > 0)
        {
            var a = multiple.Select(v => v.Single(x => x.Annotator == annotators[0]).Label).ToArray();
            var b = multiple.Select(v => v.Single(x => x.Annotator == annotators[1]).Label).ToArray();
            cohen = Agreement.CohensKappa(a, b);
        }
        double? fleiss = null;
        var fleissRows = 0;
        if (multiple.Length > 0)
        {
            var raters = multiple.GroupBy(v => v.Length).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
            var items = multiple.Where(v => v.Length == raters).ToArray();
            var categories = items.SelectMany(v => v.Select(a => a.Label)).Distinct(StringComparer.Ordinal).ToArray();
            fleiss = Agreement.FleissKappa(items.Select(v => categories.Select(c => v.Count(a => a.Label == c)).ToArray()).ToArray());
            fleissRows = items.Length;
        }
        return new Multiplicity(annotations.Count, annotators, byRow.Count, multiple.Length, agreement, cohen, fleiss, fleissRows);
    }

    private static Annotation[] ReadLabels(string path, int dataRows, string annotator, DateTimeOffset time)
    {
        var name = Path.GetFileName(path);
        var table = TableReader.Read(path, new ReadOptions { AsText = true }).Table;
        var row = Find(table, "row", name);
        var label = Find(table, "label", name);
        var result = new List<Annotation>();
        for (var r = 0; r < table.RowCount; r++)
        {
            if (label.IsMissing(r)) continue;
            result.Add(new Annotation(RowNumber(row.Format(r), dataRows, $"{name} line {r + 2}, column 'row'"), label.Format(r), annotator, time));
        }
        return [.. result];
    }

    private static Annotation[] ReadLineage(string path, int dataRows)
    {
        if (!File.Exists(path)) return [];
        var name = Path.GetFileName(path);
        var table = TableReader.Read(path, new ReadOptions { AsText = true }).Table;
        var (row, label, who, when) = (Find(table, "row", name), Find(table, "label", name), Find(table, "annotator", name), Find(table, "time", name));
        return Enumerable.Range(0, table.RowCount).Select(r =>
        {
            var where = $"{name} line {r + 2}";
            if (!DateTimeOffset.TryParse(when.Format(r), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t))
                throw new KeelInputException($"{where}, column 'time': expected an ISO 8601 time, got '{when.Format(r)}'.");
            return new Annotation(RowNumber(row.Format(r), dataRows, $"{where}, column 'row'"), label.Format(r), who.Format(r), t);
        }).ToArray();
    }

    private static Column Find(Table table, string column, string file) =>
        table.Columns.FirstOrDefault(c => c.Name.Equals(column, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeelInputException($"{file}: expected a column '{column}'; {ColumnNames.Hint(column, table)}.");

    private static int RowNumber(string text, int dataRows, string where) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row < dataRows
            ? row
            : throw new KeelInputException($"{where}: expected a data row number from 0 to {dataRows - 1}, got '{text}'.");
}
