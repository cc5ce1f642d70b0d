using System.Globalization;
using System.Text;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data.Sampling;

/// <summary>Draws rows from a CSV, JSON Lines or Parquet file and writes them, unchanged and in file order, to another of the same
/// format (the reservoir in one pass and constant memory; the others from the typed table, copying the chosen records in a second
/// pass: a CSV record's text, a JSON line as it is, a Parquet row's typed values under the same schema).</summary>
public static class Sampler
{
    /// <summary>The column importance sampling adds: total weight / (N × the row's weight).</summary>
    public const string WeightColumnName = "sample_weight";

    /// <summary>Draws and writes the sample of <paramref name="request"/>.</summary>
    /// <exception cref="KeelInputException">A bad option, column or file.</exception>
    public static SampleOutcome Run(SampleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = Path.GetFileName(request.Input);
        if (!File.Exists(request.Input)) throw new KeelInputException($"{request.Input}: file not found.");
        var format = TableReader.ResolveFormat(request.Input, request.Read.Format);
        CheckOutput(request, format);
        OutputFiles.NotTheInput(request.Output, request.Input, request.OptionPrefix + "output", "the sample");
        if (request.N is < 1) throw new KeelInputException($"{request.OptionPrefix}n: expected a number of rows of at least 1, got {request.N}.");
        var needsN = !(request.Strategy == SampleStrategy.Weighted && request.ClassRates is not null);
        if (needsN && request.N is null) throw new KeelInputException($"{request.OptionPrefix}n: strategy {Lower(request.Strategy)} needs the number of rows to draw.");
        if (request.Strategy == SampleStrategy.Reservoir)
        {
            return format switch
            {
                "csv" => Reservoir(request, request.N!.Value),
                "jsonl" => JsonLinesSample.Reservoir(request, request.N!.Value),
                _ => ParquetSample.Reservoir(request, request.N!.Value),
            };
        }

        var table = TableReader.Read(request.Input, request.Read).Table;
        if (request.Strategy == SampleStrategy.Importance && table.Contains(WeightColumnName))
            throw new KeelInputException(
                $"{name} already has a column '{WeightColumnName}', which importance sampling adds (the inverse inclusion probability); rename or drop it first.");
        var random = new Random(request.Seed);
        var perClass = new Dictionary<string, long>(StringComparer.Ordinal);
        double[]? weights = null;
        int[] chosen;
        switch (request.Strategy)
        {
            case SampleStrategy.Random:
                chosen = Uniform(Enumerable.Range(0, table.RowCount).ToArray(), (int)Math.Min(request.N!.Value, table.RowCount), random);
                break;
            case SampleStrategy.Stratified:
                chosen = Stratified(table, Column(table, request.By, request.OptionPrefix + "by", name, "stratified"), (int)Math.Min(request.N!.Value, table.RowCount), random, perClass);
                break;
            case SampleStrategy.Weighted when request.ClassRates is { } rates:
                chosen = ByClassRate(Column(table, request.By, request.OptionPrefix + "by", name, "weighted with class rates"), rates, random, perClass, request.OptionPrefix + "weights");
                break;
            default:
                var w = Weights(table, request.WeightColumn, request.OptionPrefix + "weights", name, Lower(request.Strategy));
                chosen = WeightedWithoutReplacement(w, (int)Math.Min(request.N!.Value, w.Count(x => x > 0)), random);
                if (request.Strategy == SampleStrategy.Importance)
                {
                    var total = w.Sum();
                    weights = chosen.Select(r => total / (chosen.Length * w[r])).ToArray();
                }
                break;
        }
        Array.Sort(chosen, weights);
        switch (format)
        {
            case "csv":
                Write(request, chosen, weights);
                break;
            case "jsonl":
                JsonLinesSample.Write(request, chosen, weights);
                break;
            default:
                ParquetSample.Write(request, chosen, weights);
                break;
        }
        return new SampleOutcome(request.Input, request.Output, Lower(request.Strategy), table.RowCount, chosen.Length, request.Seed) { PerClass = perClass };
    }

    /// <summary>Fails unless the output's extension names <paramref name="format"/>, the input's: a sample is written in its input's format.</summary>
    private static void CheckOutput(SampleRequest request, string format)
    {
        if (TableReader.FormatOfExtension(request.Output) == format) return;
        var what = format switch
        {
            "csv" => "delimited text like its input; expected a .csv or .tsv path",
            "jsonl" => "JSON Lines like its input; expected a .jsonl, .ndjson or .json path",
            _ => "Parquet like its input; expected a .parquet path",
        };
        throw new KeelInputException($"{request.OptionPrefix}output: a sample is written as {what}, got '{Path.GetFileName(request.Output)}'.");
    }

    /// <summary>Algorithm R over row numbers: the first n rows, then row i (0-based) replaces a random kept row with probability
    /// n / (i + 1). The draws depend only on the row count, so every format gives the same rows for the same seed.</summary>
    /// <returns>The kept row numbers, ascending.</returns>
    internal static long[] ReservoirRows(long rows, long n, Random random)
    {
        var kept = new long[Math.Min(rows, n)];
        for (long row = 0; row < rows; row++)
        {
            if (row < n) kept[row] = row;
            else
            {
                var j = random.NextInt64(row + 1);
                if (j < n) kept[j] = row;
            }
        }
        Array.Sort(kept);
        return kept;
    }

    /// <summary>Writes the output beside its path and renames it into place (a failure leaves no half-written sample), as UTF-8 text.</summary>
    internal static void WriteText(string path, Action<StreamWriter> write) => WriteOutput(path, write);

    /// <summary>Algorithm R: row i (0-based) replaces a random kept row with probability n / (i + 1); every row ends in the sample
    /// with probability n / N. Memory holds n records whatever the file's size.</summary>
    private static SampleOutcome Reservoir(SampleRequest request, long n)
    {
        var random = new Random(request.Seed);
        var (records, header, copy) = Open(request);
        using (records)
        {
            var kept = new List<(long Row, string Text)>();
            long row = 0;
            while (records.MoveNext())
            {
                if (row < n) kept.Add((row, copy.Record(records)));
                else
                {
                    var j = random.NextInt64(row + 1);
                    if (j < n) kept[(int)j] = (row, copy.Record(records));
                }
                row++;
            }
            kept.Sort((a, b) => a.Row.CompareTo(b.Row));
            WriteOutput(request.Output, output =>
            {
                output.Write(header);
                output.Write('\n');
                foreach (var (_, text) in kept)
                {
                    output.Write(text);
                    output.Write('\n');
                }
            });
            return new SampleOutcome(request.Input, request.Output, "reservoir", row, kept.Count, request.Seed);
        }
    }

    /// <summary>The input's records, its header as written to the output, and how a record is copied there.</summary>
    private static (CsvRecords, string Header, RecordCopy Copy) Open(SampleRequest request)
    {
        var encoding = TextEncodings.Resolve(request.Read.Encoding);
        var delimiter = Delimiters.Choose(request.Input, request.Read.Delimiter, encoding);
        var copy = new RecordCopy(delimiter, Path.GetExtension(request.Output).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : delimiter);
        var records = new CsvRecords(request.Input, delimiter, encoding, check: false);
        if (!records.MoveNext())
        {
            records.Dispose();
            throw new KeelInputException($"{Path.GetFileName(request.Input)}: the file is empty; expected a header line.");
        }
        return (records, copy.Record(records), copy);
    }

    /// <summary>Copies records to the output: as they are in the file when the output's delimiter is the input's (a .tsv output is
    /// tab-separated whatever the input), else field by field, quoted where the new delimiter needs it.</summary>
    private sealed record RecordCopy(char From, char To)
    {
        public string Record(CsvRecords records)
        {
            if (From == To) return records.Raw.ToString();
            var line = new StringBuilder();
            for (var i = 0; i < records.Count; i++)
            {
                if (i > 0) line.Append(To);
                line.Append(TextFormats.QuoteField(records.Field(i), To));
            }
            return line.ToString();
        }
    }

    /// <summary>Writes the output beside its path and renames it into place, so a failure leaves no half-written sample.</summary>
    private static void WriteOutput(string path, Action<StreamWriter> write) =>
        OutputFiles.WriteWhole(path, temp =>
        {
            using var output = new StreamWriter(temp, false, new UTF8Encoding(false));
            write(output);
        }, reason => $"output '{path}' cannot be written: {reason}", makeFolder: true);

    /// <summary>Copies the header and the chosen records (sorted 0-based data rows) to the output; importance adds sample_weight.</summary>
    private static void Write(SampleRequest request, int[] chosen, double[]? weights)
    {
        var (records, header, copy) = Open(request);
        using (records)
        {
            WriteOutput(request.Output, output =>
            {
                output.Write(header);
                if (weights is not null) output.Write(copy.To + WeightColumnName);
                output.Write('\n');
                var next = 0;
                for (var row = 0; next < chosen.Length && records.MoveNext(); row++)
                {
                    if (chosen[next] != row) continue;
                    output.Write(copy.Record(records));
                    if (weights is not null) output.Write(copy.To + weights[next].ToString("R", CultureInfo.InvariantCulture));
                    output.Write('\n');
                    next++;
                }
            });
        }
    }

    private static Column Column(Table table, string? name, string option, string file, string strategy)
    {
        if (name is null) throw new KeelInputException($"{option}: strategy {strategy} needs the column to sample by.");
        return table.Contains(name) ? table[name]
            : throw new KeelInputException($"{option}: {file} has no column '{name}'; {ColumnNames.Hint(name, table)}.");
    }

    private static double[] Weights(Table table, string? column, string option, string file, string strategy)
    {
        var c = Column(table, column, option, file, strategy);
        if (c is not NumericColumn n || c.Type != ColumnType.Numeric)
            throw new KeelInputException($"{option}: column '{column}' of {file} is {c.Type.ToString().ToLowerInvariant()}; expected numbers (row weights) or CLASS=RATE pairs with --by.");
        var w = n.Values.ToArray();
        for (var r = 0; r < w.Length; r++)
        {
            if (double.IsNaN(w[r]) || w[r] < 0 || double.IsInfinity(w[r]))
                throw new KeelInputException($"{option}: column '{column}' of {file}, row {r}: '{n.Format(r)}' is not a finite weight of 0 or more.");
        }
        return w;
    }

    /// <summary>k distinct items uniformly (partial Fisher–Yates).</summary>
    internal static int[] Uniform(int[] items, int k, Random random)
    {
        for (var i = 0; i < k; i++)
        {
            var j = random.Next(i, items.Length);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items[..k];
    }

    private static int[] Stratified(Table table, Column by, int n, Random random, Dictionary<string, long> perClass)
    {
        var groups = Enumerable.Range(0, table.RowCount).GroupBy(by.Format).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, Rows: g.ToArray())).ToArray();
        // Largest remainders: each class gets floor(n × share), the leftovers go to the largest fractional parts.
        var exact = groups.Select(g => (double)n * g.Rows.Length / table.RowCount).ToArray();
        var take = exact.Select(x => (int)Math.Floor(x)).ToArray();
        foreach (var i in Enumerable.Range(0, groups.Length).OrderByDescending(i => exact[i] - take[i]).ThenBy(i => i).Take(n - take.Sum())) take[i]++;
        var chosen = new List<int>();
        for (var i = 0; i < groups.Length; i++)
        {
            chosen.AddRange(Uniform(groups[i].Rows, take[i], random));
            perClass[groups[i].Key == "" ? "(missing)" : groups[i].Key] = take[i];
        }
        return chosen.ToArray();
    }

    private static int[] ByClassRate(Column by, IReadOnlyDictionary<string, double> rates, Random random, Dictionary<string, long> perClass, string option)
    {
        var present = Enumerable.Range(0, by.Length).Select(by.Format).ToHashSet(StringComparer.Ordinal);
        foreach (var c in rates.Keys.Where(c => !present.Contains(c)))
            throw new KeelInputException($"{option}: class '{c}' does not occur in column '{by.Name}'; its values are: {string.Join(", ", present.Order(StringComparer.Ordinal).Take(20))}.");
        var chosen = new List<int>();
        for (var r = 0; r < by.Length; r++)
        {
            var c = by.Format(r);
            var rate = rates.TryGetValue(c, out var x) ? x : 1;
            if (random.NextDouble() < rate)
            {
                chosen.Add(r);
                perClass[c] = perClass.GetValueOrDefault(c) + 1;
            }
        }
        return chosen.ToArray();
    }

    /// <summary>Efraimidis–Spirakis: the k rows with the largest u^(1/w) (u uniform), i.e. successive draws proportional to weight.</summary>
    private static int[] WeightedWithoutReplacement(double[] w, int k, Random random)
    {
        var keys = new double[w.Length];
        for (var r = 0; r < w.Length; r++) keys[r] = w[r] > 0 ? Math.Log(random.NextDouble()) / w[r] : double.NegativeInfinity;
        return Enumerable.Range(0, w.Length).OrderByDescending(r => keys[r]).Take(k).ToArray();
    }

    /// <summary>Parses CLASS=RATE[,CLASS=RATE...]; null when <paramref name="text"/> is a column name (no '=').</summary>
    public static IReadOnlyDictionary<string, double>? ParseClassRates(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('=', StringComparison.Ordinal)) return null;
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            var eq = part.LastIndexOf('=');
            if (eq <= 0 || !double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is < 0 or > 1)
                throw new KeelInputException($"--weights: expected CLASS=RATE pairs with rates from 0 to 1 (e.g. good=0.2,bad=1), got '{part}'.");
            rates[part[..eq]] = rate;
        }
        return rates;
    }

    private static string Lower(SampleStrategy s) => s.ToString().ToLowerInvariant();
}
