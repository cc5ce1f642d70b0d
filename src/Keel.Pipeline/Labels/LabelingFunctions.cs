using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Data;
using Keel.Training.Heuristics;

namespace Keel.Pipeline.Labels;

/// <summary>One labelling function: rules tried in order (the first whose condition holds decides; no match abstains), or a lookup.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="Line">The file line it starts on.</param>
/// <param name="Rules">Its rules (text, line); an outcome of <c>abstain</c> abstains.</param>
/// <param name="Lookup">For a lookup: the column and the value-to-label map; null for rules.</param>
public sealed record LabelingFunction(string Name, int Line, IReadOnlyList<(string Text, int Line)> Rules, LookupFunction? Lookup);

/// <summary>A lookup function: a column's value mapped to a label (an empty label abstains; a value not in the map abstains).</summary>
/// <param name="Column">The column looked up.</param>
/// <param name="File">The CSV file the map came from.</param>
/// <param name="Map">Value to label.</param>
public sealed record LookupFunction(string Column, string File, IReadOnlyDictionary<string, string> Map);

/// <summary>The labelling functions of one file, with the groups declared as correlated.</summary>
/// <param name="Functions">The functions, in file order.</param>
/// <param name="Dependencies">Declared correlated groups, as indices into <paramref name="Functions"/>.</param>
/// <param name="Path">The file read.</param>
public sealed record LabelingFunctionSet(IReadOnlyList<LabelingFunction> Functions, IReadOnlyList<IReadOnlyList<int>> Dependencies, string Path)
{
    /// <summary>The outcome that makes a rule abstain.</summary>
    public const string AbstainOutcome = "abstain";

    /// <summary>
    /// Reads a labelling-function file. One entry a line; blank lines and lines starting with # are skipped:
    /// <c>NAME: CONDITION -&gt; LABEL</c> (a rule of the heuristic language; lines with one name form one function, first match wins;
    /// <c>-&gt; abstain</c> abstains), <c>NAME: lookup COLUMN in FILE.csv</c> (a CSV of value,label with a header row, relative to this
    /// file), <c>depends: NAME, NAME[, ...]</c> (functions known to be correlated, modelled jointly).
    /// </summary>
    /// <exception cref="KeelInputException">The file is missing or a line does not parse; the message names file, line and position.</exception>
    public static LabelingFunctionSet Read(string path)
    {
        if (!File.Exists(path)) throw new KeelInputException($"{path}: the labelling-function file does not exist.");
        var file = System.IO.Path.GetFileName(path);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var functions = new List<(string Name, int Line, List<(string, int)> Rules, LookupFunction? Lookup)>();
        var depends = new List<(string[] Names, int Line)>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var number = i + 1;
            var where = $"{file} line {number}";
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? line[..colon].Trim() : "";
            if (colon <= 0 || name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.'))
                throw new KeelInputException($"{where}: expected 'NAME: CONDITION -> LABEL', 'NAME: lookup COLUMN in FILE.csv' or 'depends: NAME, NAME' (NAME of letters, digits, _ - .), got '{line}'.");
            var body = line[(colon + 1)..].Trim();
            if (name.Equals("depends", StringComparison.OrdinalIgnoreCase))
            {
                var names = body.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (names.Length < 2) throw new KeelInputException($"{where}: 'depends' needs at least two function names separated by commas, got '{body}'.");
                depends.Add((names, number));
                continue;
            }
            var existing = functions.FindIndex(f => f.Name == name);
            if (body.StartsWith("lookup ", StringComparison.OrdinalIgnoreCase))
            {
                if (existing >= 0) throw new KeelInputException($"{where}: function '{name}' is already defined on line {functions[existing].Line}; a lookup is a function of its own.");
                functions.Add((name, number, [], ReadLookup(body, where, dir)));
                continue;
            }
            if (existing >= 0 && functions[existing].Lookup is not null)
                throw new KeelInputException($"{where}: function '{name}' is a lookup (line {functions[existing].Line}); give this rule another name.");
            RuleMasks.Check(body, where);
            if (existing >= 0) functions[existing].Rules.Add((body, number));
            else functions.Add((name, number, [(body, number)], null));
        }
        if (functions.Count == 0) throw new KeelInputException($"{file}: no labelling functions; expected lines such as 'low_income: Income < 50 -> bad'.");
        var index = functions.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var groups = depends.Select(d => (IReadOnlyList<int>)d.Names.Select(n => index.TryGetValue(n, out var j) ? j
            : throw new KeelInputException($"{file} line {d.Line}: 'depends' names '{n}', which is not a function of this file; functions are: {string.Join(", ", index.Keys)}.")).Distinct().ToArray()).ToArray();
        return new LabelingFunctionSet(functions.Select(f => new LabelingFunction(f.Name, f.Line, f.Rules, f.Lookup)).ToArray(), groups, path);
    }

    private static LookupFunction ReadLookup(string body, string where, string dir)
    {
        var parts = body.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var inAt = Array.FindIndex(parts, p => p.Equals("in", StringComparison.OrdinalIgnoreCase));
        if (inAt < 2 || inAt != parts.Length - 2)
            throw new KeelInputException($"{where}: expected 'lookup COLUMN in FILE.csv', got '{body}'.");
        var column = string.Join(' ', parts[1..inAt]).Trim('`');
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, parts[^1]));
        if (!File.Exists(path)) throw new KeelInputException($"{where}: the lookup file '{path}' does not exist.");
        var table = TableReader.Read(path, new ReadOptions { AsText = true }).Table;
        var name = System.IO.Path.GetFileName(path);
        if (table.Columns.Count != 2)
            throw new KeelInputException($"{name}: a lookup file has two columns (value, label) under a header row; it has {table.Columns.Count} ({string.Join(", ", table.Columns.Select(c => c.Name))}).");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var r = 0; r < table.RowCount; r++)
        {
            var value = table.Columns[0].Format(r);
            if (!map.TryAdd(value, table.Columns[1].Format(r)))
                throw new KeelInputException($"{name} line {r + 2}: the value '{value}' is mapped twice; expected each value once.");
        }
        return new LookupFunction(column, path, map);
    }

    /// <summary>The class names the functions can vote: their labels and <paramref name="extra"/> (e.g. gold labels), sorted
    /// numerically when all are numbers, else ordinally.</summary>
    public IReadOnlyList<string> Classes(IEnumerable<string> extra)
    {
        var labels = Functions.SelectMany(f => f.Lookup is { } l ? l.Map.Values : f.Rules.Select(r => RuleMasks.Check(r.Text, "")))
            .Where(l => l.Length > 0 && !l.Equals(AbstainOutcome, StringComparison.OrdinalIgnoreCase))
            .Concat(extra).Distinct(StringComparer.Ordinal).ToList();
        return labels.Count > 0 && labels.All(l => IsNumber(l, out _))
            ? labels.OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ThenBy(l => l, StringComparer.Ordinal).ToArray()
            : labels.OrderBy(l => l, StringComparer.Ordinal).ToArray();
    }

    private static bool IsNumber(string s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Every function's vote per row of <paramref name="table"/>: an index into <paramref name="classes"/>, or -1 (abstain).</summary>
    /// <exception cref="KeelInputException">A rule or lookup names a column the table lacks, or compares a column wrongly.</exception>
    public int[][] Apply(Table table, IReadOnlyList<string> classes, string source)
    {
        ArgumentNullException.ThrowIfNull(table);
        var file = System.IO.Path.GetFileName(Path);
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        int Code(string label) => label.Length == 0 || label.Equals(AbstainOutcome, StringComparison.OrdinalIgnoreCase) ? -1 : index[label];
        var votes = new int[Functions.Count][];
        for (var j = 0; j < Functions.Count; j++)
        {
            var f = Functions[j];
            var v = new int[table.RowCount];
            Array.Fill(v, -2);
            if (f.Lookup is { } lookup)
            {
                if (!table.Contains(lookup.Column))
                    throw new KeelInputException($"{file} line {f.Line}: lookup column '{lookup.Column}' is not in {source}; {ColumnNames.Hint(lookup.Column, table)}.");
                var column = table[lookup.Column];
                var numeric = lookup.Map.Keys.Where(k => IsNumber(k, out _))
                    .GroupBy(k => { IsNumber(k, out var d); return d; }).ToDictionary(g => g.Key, g => lookup.Map[g.First()]);
                for (var r = 0; r < v.Length; r++)
                {
                    var value = column.Format(r);
                    v[r] = lookup.Map.TryGetValue(value, out var label) ? Code(label)
                        : IsNumber(value, out var d) && numeric.TryGetValue(d, out label) ? Code(label) : -1;
                }
            }
            else
            {
                foreach (var (text, line) in f.Rules)
                {
                    var (outcome, mask) = RuleMasks.Evaluate(text, table, $"{file} line {line}", source);
                    var code = Code(outcome);
                    for (var r = 0; r < v.Length; r++) if (v[r] == -2 && mask[r]) v[r] = code;
                }
                for (var r = 0; r < v.Length; r++) if (v[r] == -2) v[r] = -1;
            }
            votes[j] = v;
        }
        return votes;
    }
}
