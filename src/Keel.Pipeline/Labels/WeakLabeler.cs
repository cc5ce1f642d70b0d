using Keel.Core;
using Keel.Core.Data;
using Keel.Data;
using Keel.Data.Labels;

namespace Keel.Pipeline.Labels;

/// <summary>What `keel label weak` reads and writes.</summary>
public sealed record WeakLabelRequest
{
    /// <summary>The labelling-function file (<see cref="LabelingFunctionSet.Read"/>).</summary>
    public required string Rules { get; init; }

    /// <summary>The data file the functions run over.</summary>
    public required string Data { get; init; }

    /// <summary>Known labels: a CSV with a label column (named label, or the only column besides row) and either a row column
    /// (0-based data rows) or one line per data row (empty: unknown). Default none.</summary>
    public string? Gold { get; init; }

    /// <summary>Where to write the data with weak_label, weak_confidence, p_CLASS and majority_vote columns: a .csv or .tsv path, or
    /// one of the data file's own format (JSON Lines or Parquet: a copy of it with the columns added); null writes nothing. Default null.</summary>
    public string? Output { get; init; }

    /// <summary>How the data file is read (encoding, delimiter, decimal mark). Default: UTF-8, detected delimiter.</summary>
    public ReadOptions Read { get; init; } = new();

    /// <summary>The label model's options. Default: <see cref="LabelModelOptions"/>'s defaults.</summary>
    public LabelModelOptions Model { get; init; } = new();

    /// <summary>Model the file's declared dependencies (<c>depends:</c> lines) jointly. Default true.</summary>
    public bool Declared { get; init; } = true;
}

/// <summary>One labelling function's report.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Kind">rules or lookup.</param>
/// <param name="Coverage">Share of rows it votes on.</param>
/// <param name="Overlap">Share of rows it votes on with another function voting too.</param>
/// <param name="Conflict">Share of rows it votes on with another function voting differently.</param>
/// <param name="GoldRows">Gold rows it votes on.</param>
/// <param name="EmpiricalAccuracy">Its accuracy on those gold rows, or null without gold.</param>
/// <param name="LearnedAccuracy">The accuracy the label model learned for it from agreements alone.</param>
public sealed record FunctionReport(string Name, string Kind, double Coverage, double Overlap, double Conflict, int GoldRows,
    double? EmpiricalAccuracy, double? LearnedAccuracy);

/// <summary>The result of weak labelling: counts, per-function reports, the groups modelled jointly and the accuracy on gold rows.</summary>
/// <param name="Rows">Data rows.</param>
/// <param name="Covered">Rows at least one function votes on (the rows that get a weak label).</param>
/// <param name="Classes">The classes, in index order.</param>
/// <param name="Functions">Per function.</param>
/// <param name="Groups">Groups of functions modelled jointly (correlated: declared or found); singletons are left out.</param>
/// <param name="GoldRows">Covered rows with a gold label, where the accuracies below are measured.</param>
/// <param name="LabelModelAccuracy">The label model's accuracy on them, or null without gold.</param>
/// <param name="MajorityVoteAccuracy">Majority vote's accuracy on them, or null without gold.</param>
/// <param name="Iterations">EM iterations.</param>
/// <param name="Output">The file written, or null.</param>
public sealed record WeakLabelOutcome(int Rows, int Covered, IReadOnlyList<string> Classes, IReadOnlyList<FunctionReport> Functions,
    IReadOnlyList<IReadOnlyList<string>> Groups, int GoldRows, double? LabelModelAccuracy, double? MajorityVoteAccuracy, int Iterations, string? Output);

/// <summary>Weak labels of a table: the functions' votes, the label model fitted to them, and per row the probable class.</summary>
/// <param name="Classes">The classes.</param>
/// <param name="Votes">votes[function][row].</param>
/// <param name="Model">The fitted label model.</param>
/// <param name="Labels">Per row the most probable class index, or -1 where every function abstains.</param>
public sealed record WeakLabels(IReadOnlyList<string> Classes, int[][] Votes, LabelModelResult Model, int[] Labels)
{
    /// <summary>The probability of row <paramref name="row"/>'s weak label (0 where uncovered).</summary>
    public double Confidence(int row) => Labels[row] < 0 ? 0 : Model.Probabilities[row][Labels[row]];
}

/// <summary>Runs labelling functions over a table and fits the label model (<c>keel label weak</c>, and a spec's labels.weak).</summary>
public static class WeakLabeler
{
    /// <summary>Column names the output adds.</summary>
    public const string LabelColumn = "weak_label", ConfidenceColumn = "weak_confidence", MajorityColumn = "majority_vote";

    /// <summary>The functions' votes and the label model over <paramref name="table"/>; <paramref name="gold"/> (class names, null or
    /// empty where unknown) adds classes and anchors dependency finding.</summary>
    public static WeakLabels Label(LabelingFunctionSet functions, Table table, IReadOnlyList<string?>? gold, LabelModelOptions options, string source)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(options);
        var classes = functions.Classes(gold?.Where(g => !string.IsNullOrEmpty(g)).Select(g => g!) ?? []);
        if (classes.Count < 2)
            throw new KeelInputException($"{Path.GetFileName(functions.Path)}: the functions vote {classes.Count} class{(classes.Count == 1 ? $" ('{classes[0]}')" : "es")}; a label model needs at least two.");
        var votes = functions.Apply(table, classes, source);
        var goldCodes = GoldCodes(gold, classes);
        var model = LabelModel.Fit(votes, classes.Count, options with
        {
            Dependencies = [.. options.Dependencies, .. functions.Dependencies],
            Gold = options.Gold ?? goldCodes,
        });
        var labels = model.Probabilities.Select((p, i) => votes.All(v => v[i] < 0) ? -1 : ArgMax(p)).ToArray();
        return new WeakLabels(classes, votes, model, labels);
    }

    /// <summary>Runs <c>keel label weak</c>: reads, labels, reports and (with an output) writes the labelled data.</summary>
    /// <exception cref="KeelInputException">A file is missing or malformed, a rule does not parse or names an unknown column.</exception>
    public static WeakLabelOutcome Run(WeakLabelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Output is { } o)
        {
            CheckOutput(o, TableReader.ResolveFormat(request.Data, request.Read.Format));
            OutputFiles.NotTheInput(o, request.Data, "--out", "the labelled rows");
        }
        var functions = LabelingFunctionSet.Read(request.Rules);
        if (!File.Exists(request.Data)) throw new KeelInputException($"{request.Data}: the data file does not exist.");
        var table = TableReader.Read(request.Data, request.Read).Table;
        var source = Path.GetFileName(request.Data);
        var gold = request.Gold is { } g ? ReadGold(g, table.RowCount) : null;
        var weak = Label(request.Declared ? functions : functions with { Dependencies = [] }, table, gold, request.Model, source);
        var goldCodes = GoldCodes(gold, weak.Classes);

        var stats = LabelingAnalysis.Analyse(weak.Votes, goldCodes);
        var reports = functions.Functions.Select((f, j) => new FunctionReport(f.Name, f.Lookup is null ? "rules" : "lookup",
            stats[j].Coverage, stats[j].Overlap, stats[j].Conflict, stats[j].GoldRows, stats[j].EmpiricalAccuracy,
            double.IsNaN(weak.Model.Accuracies[j]) ? null : weak.Model.Accuracies[j])).ToArray();
        var groups = weak.Model.Groups.Where(x => x.Length > 1).Select(x => (IReadOnlyList<string>)x.Select(j => functions.Functions[j].Name).ToArray()).ToArray();
        double? model = null, vote = null;
        var goldRows = 0;
        if (goldCodes is not null)
        {
            (goldRows, model) = LabelingAnalysis.Accuracy(weak.Labels, goldCodes);
            vote = LabelingAnalysis.Accuracy(LabelModel.MajorityVote(weak.Votes, weak.Classes.Count), goldCodes).Accuracy;
        }
        if (request.Output is { } output) Write(table, weak, request, output);
        return new WeakLabelOutcome(table.RowCount, weak.Labels.Count(l => l >= 0), weak.Classes, reports, groups, goldRows, model, vote,
            weak.Model.Iterations, request.Output);
    }

    private static int ArgMax(double[] p)
    {
        var best = 0;
        for (var c = 1; c < p.Length; c++) if (p[c] > p[best]) best = c;
        return best;
    }

    private static int[]? GoldCodes(IReadOnlyList<string?>? gold, IReadOnlyList<string> classes)
    {
        if (gold is null) return null;
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        return gold.Select(g => g is { Length: > 0 } && index.TryGetValue(g, out var i) ? i : -1).ToArray();
    }

    /// <summary>Reads a gold file: a label column (named label, or the only column besides row) with a row column or one line per data row.</summary>
    public static string?[] ReadGold(string path, int dataRows)
    {
        if (!File.Exists(path)) throw new KeelInputException($"{path}: the gold label file does not exist.");
        var name = Path.GetFileName(path);
        var table = TableReader.Read(path, new ReadOptions { AsText = true }).Table;
        var rowColumn = table.Columns.FirstOrDefault(c => c.Name.Equals("row", StringComparison.OrdinalIgnoreCase));
        var labelColumns = table.Columns.Where(c => c != rowColumn).ToArray();
        var label = labelColumns.FirstOrDefault(c => c.Name.Equals("label", StringComparison.OrdinalIgnoreCase))
            ?? (labelColumns.Length == 1 ? labelColumns[0]
                : throw new KeelInputException($"{name}: expected a column named 'label' (or one column besides 'row'); columns are: {string.Join(", ", table.Columns.Select(c => c.Name))}."));
        var gold = new string?[dataRows];
        if (rowColumn is null)
        {
            if (table.RowCount != dataRows)
                throw new KeelInputException($"{name}: without a 'row' column the file needs one line per data row ({dataRows}), but it has {table.RowCount}.");
            for (var r = 0; r < dataRows; r++) gold[r] = label.IsMissing(r) ? null : label.Format(r);
            return gold;
        }
        for (var r = 0; r < table.RowCount; r++)
        {
            var text = rowColumn.Format(r);
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var row) || row >= dataRows)
                throw new KeelInputException($"{name} line {r + 2}, column '{rowColumn.Name}': expected a data row number from 0 to {dataRows - 1}, got '{text}'.");
            gold[row] = label.IsMissing(r) ? null : label.Format(r);
        }
        return gold;
    }

    /// <summary>Fails unless <paramref name="output"/> is a CSV or TSV path, or a path of the data file's own format (JSON Lines or
    /// Parquet), before any work is done.</summary>
    private static void CheckOutput(string output, string format)
    {
        var written = TableReader.FormatOfExtension(output);
        if (written == "csv" || written == format) return;
        var what = format switch
        {
            "jsonl" => "; or JSON Lines like the data: a .jsonl, .ndjson or .json path",
            "parquet" => "; or Parquet like the data: a .parquet path",
            _ => " (JSON Lines or Parquet data can also be written in their own format)",
        };
        throw new KeelInputException($"--out: the labelled rows are written as CSV: a .csv or .tsv path{what}; got '{Path.GetFileName(output)}'.");
    }

    /// <summary>Writes the data with the weak-label columns added: as CSV or TSV from the typed table, or, to a path of the data's
    /// own format, as a copy of the data file with its fields and types as they were.</summary>
    private static void Write(Table table, WeakLabels weak, WeakLabelRequest request, string output)
    {
        var names = table.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var probabilities = weak.Classes.Select(c => $"p_{c}").ToArray();
        var added = new[] { LabelColumn, ConfidenceColumn }.Concat(probabilities).Append(MajorityColumn).ToArray();
        var majority = LabelModel.MajorityVote(weak.Votes, weak.Classes.Count);
        if (added.FirstOrDefault(names.Contains) is { } clash)
            throw new KeelInputException($"{output}: the data already has a column '{clash}', which the weak labels would overwrite; rename it first.");
        if (TableReader.FormatOfExtension(output) != "csv")
        {
            bool Covered(int r) => weak.Labels[r] >= 0;
            LabelColumnWriter.CopyWithColumns(request.Data, request.Read, output,
            [
                new AddedColumn(LabelColumn, Text: r => Covered(r) ? weak.Classes[weak.Labels[r]] : null),
                new AddedColumn(ConfidenceColumn, Number: r => Covered(r) ? weak.Confidence(r) : null),
                .. probabilities.Select((p, c) => new AddedColumn(p, Number: r => Covered(r) ? weak.Model.Probabilities[r][c] : null)),
                new AddedColumn(MajorityColumn, Text: r => Covered(r) ? weak.Classes[majority[r]] : null),
            ]);
            return;
        }
        LabelCsv.Write(output, [.. table.Columns.Select(c => c.Name), .. added], table.RowCount, r =>
        {
            var cells = table.Columns.Select(c => c.Format(r));
            if (weak.Labels[r] < 0) return [.. cells, .. added.Select(_ => "")];
            return [.. cells, weak.Classes[weak.Labels[r]], LabelCsv.Number(weak.Confidence(r)), .. weak.Model.Probabilities[r].Select(LabelCsv.Number), weak.Classes[majority[r]]];
        });
    }
}
