using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.Data.Binding;
using Keel.Training.Explanation;
using Parquet;
using Parquet.Schema;

namespace Keel.Pipeline.Predict;

/// <summary>What `keel predict` reads and writes.</summary>
public sealed record BatchPredictOptions
{
    /// <summary>The input file (CSV, JSON Lines or Parquet).</summary>
    public required string Input { get; init; }

    /// <summary>The output file; its extension picks CSV, JSON Lines or Parquet.</summary>
    public required string Output { get; init; }

    /// <summary>Rows predicted at a time (CSV and JSON Lines; Parquet goes by row group). Default 50,000.</summary>
    public int ChunkRows { get; init; } = 50_000;

    /// <summary>The largest contributions to write per row (columns top1_column, top1_contribution, ...). Default 0: none.</summary>
    public int Explain { get; init; }

    /// <inheritdoc cref="ChunkReadOptions.Text"/>
    public Keel.Data.ReadOptions Text { get; init; } = new();

    /// <summary>Input columns copied into the output after <c>row</c>, as text (an ID to join on, say), whether the model reads them or
    /// not. Default none.</summary>
    public IReadOnlyList<string> Keep { get; init; } = [];
}

/// <summary>How many rows a batch prediction wrote.</summary>
public sealed record BatchPredictResult(long Rows, string Output);

/// <summary>
/// Predicts a file chunk by chunk with the server's path (schema-bound binding, then <see cref="LoadedModel.Predict"/>), so a
/// file larger than memory works. Output columns: row (0-based input row), predicted and, for classifiers, p_CLASS per class; with
/// <see cref="BatchPredictOptions.Explain"/> K, topI_column and topI_contribution for I = 1..K: the input columns that moved the row's
/// raw score most (<see cref="Contributions"/>), largest by size first.
/// </summary>
public static class BatchPredictor
{
    /// <summary>Runs the prediction; <paramref name="progress"/> receives the rows done after each chunk.</summary>
    /// <exception cref="KeelInputException">Unreadable input, a bad value (named by row and column), an unknown output extension, or an
    /// output that is the input or a folder.</exception>
    public static async Task<BatchPredictResult> RunAsync(LoadedModel model, BatchPredictOptions options, IProgress<long>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var format = OutputFormat(options.Output);
        CheckOutput(options);
        var classes = model.Model.Classes;
        if (options.Explain > 0 && !Contributions.Supported(model.Model))
            throw new KeelInputException($"--explain: model {model.Name} version {model.Version.Version} is of type '{model.Model.Type}' for a {model.Task.ToString().ToLowerInvariant()} task; contributions are given for linear and tree models (linear, lightgbm, fasttree, fastforest, random_forest) of binary and regression tasks.");
        var k = Math.Clamp(options.Explain, 0, model.InputSchema.Columns.Count);
        var keep = KeptColumns(options.Keep, classes, k);
        // Kept columns the model does not read are bound as text beside its own; the model is handed only its own.
        var extra = keep.Where(c => model.InputSchema.Find(c) is null).ToArray();
        var schema = keep.Length == 0 ? model.InputSchema
            : new DataSchema([.. model.InputSchema.Columns, .. extra.Select(c => new ColumnSchema(c, ColumnType.Text))]);
        long rows = 0;
        // The output appears whole or not at all.
        await OutputFiles.WriteWholeAsync(options.Output, async temp =>
        {
            await using var file = File.Create(temp);
            await using var writer = await ChunkWriter.CreateAsync(format, file, classes, k, keep, ct);
            foreach (var chunk in ChunkedTableReader.Read(options.Input, schema, new ChunkReadOptions
            {
                ChunkRows = options.ChunkRows, MissingTokens = model.MissingTokens, Text = options.Text,
                Requested = extra,
            }))
            {
                ct.ThrowIfCancellationRequested();
                var features = keep.Length == 0 ? chunk.Table
                    : new Table(model.InputSchema.Columns.Select(c => chunk.Table[c.Name]).ToArray(), chunk.Table.RowCount);
                var predictions = model.Predict(features);
                var explained = k > 0 ? Contributions.Compute(model.Model, features) : null;
                var kept = keep.Select(c => chunk.Table[c]).ToArray();
                await writer.WriteAsync(chunk.FirstRow, kept, predictions, explained, ct);
                rows += predictions.Count;
                progress?.Report(rows);
            }
        });
        return new BatchPredictResult(rows, options.Output);
    }

    /// <summary>The --keep columns, refused when empty, named twice or named like an output column.</summary>
    private static string[] KeptColumns(IReadOnlyList<string> keep, IReadOnlyList<string> classes, int top)
    {
        var output = new HashSet<string>(["row", "predicted", .. classes.Select(c => "p_" + c), .. Enumerable.Range(1, top).SelectMany(i => new[] { $"top{i}_column", $"top{i}_contribution" })],
            StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in keep)
        {
            if (string.IsNullOrWhiteSpace(c)) throw new KeelInputException("--keep: expected input column names, e.g. --keep id,region; got an empty name.");
            if (!seen.Add(c)) throw new KeelInputException($"--keep {c}: named twice.");
            if (output.Contains(c)) throw new KeelInputException($"--keep {c}: the output has a column of that name ({string.Join(", ", output)}); rename the input column.");
        }
        return [.. keep];
    }

    /// <summary>Refuses, before any row is read, an output that would replace the input or that is a folder; makes its folder.</summary>
    private static void CheckOutput(BatchPredictOptions options)
    {
        var output = Path.GetFullPath(options.Output);
        var name = Path.GetFileName(options.Output);
        OutputFiles.NotTheInput(output, options.Input, "--output", "the predictions");
        if (Directory.Exists(output)) throw new KeelInputException($"--output {name}: a folder; expected a file path such as {Path.Combine(name, "predictions.csv")}.");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeelInputException($"--output {name}: its folder cannot be made ({e.Message}).", e);
        }
    }

    private static string OutputFormat(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".jsonl" or ".ndjson" or ".json" => "jsonl",
        ".parquet" => "parquet",
        var ext => throw new KeelInputException($"--output {Path.GetFileName(path)}: cannot tell the format from '{ext}'; expected .csv, .jsonl or .parquet."),
    };

    /// <summary>Writes prediction chunks in one output format.</summary>
    private abstract class ChunkWriter : IAsyncDisposable
    {
        public static async Task<ChunkWriter> CreateAsync(string format, Stream stream, IReadOnlyList<string> classes, int top, string[] keep,
            CancellationToken ct) => format switch
        {
            "csv" => new CsvWriter(stream, classes, top, keep),
            "jsonl" => new JsonlWriter(stream, top, keep),
            _ => await ParquetChunkWriter.CreateAsync(stream, classes, top, keep, ct),
        };

        /// <summary>Writes the chunk; <paramref name="kept"/> are its --keep columns (written as text, missing as null or empty);
        /// <paramref name="explained"/> holds its contributions when the output explains rows.</summary>
        public abstract Task WriteAsync(long firstRow, Column[] kept, Predictions p, ContributionTable? explained, CancellationToken ct);

        /// <summary>The names of the explanation columns for the top <paramref name="top"/>.</summary>
        protected static IEnumerable<(string Column, string Contribution)> TopNames(int top) =>
            Enumerable.Range(1, top).Select(i => ($"top{i}_column", $"top{i}_contribution"));

        public abstract ValueTask DisposeAsync();
    }

    private sealed class CsvWriter : ChunkWriter
    {
        private readonly StreamWriter _w;

        private readonly int _top;

        public CsvWriter(Stream stream, IReadOnlyList<string> classes, int top, string[] keep)
        {
            _top = top;
            _w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
            _w.Write(string.Join(",", new[] { "row" }.Concat(keep.Select(Quote)).Append("predicted").Concat(classes.Select(c => Quote("p_" + c)))
                .Concat(TopNames(top).SelectMany(n => new[] { n.Column, n.Contribution }))));
            _w.Write('\n');
        }

        public override async Task WriteAsync(long firstRow, Column[] kept, Predictions p, ContributionTable? explained, CancellationToken ct)
        {
            var sb = new StringBuilder();
            var predicted = p.Probabilities is null ? null : p.PredictedClassIndices();
            for (var r = 0; r < p.Count; r++)
            {
                sb.Append((firstRow + r).ToString(CultureInfo.InvariantCulture)).Append(',');
                foreach (var c in kept) sb.Append(c.IsMissing(r) ? "" : Quote(c.Format(r))).Append(',');
                if (predicted is null) sb.Append(p.Values![r].ToString("R", CultureInfo.InvariantCulture));
                else
                {
                    sb.Append(Quote(p.Classes[predicted[r]]));
                    foreach (var v in p.Probabilities![r]) sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
                }
                if (explained is not null)
                {
                    foreach (var (column, c) in explained.Top(r, _top))
                        sb.Append(',').Append(Quote(column)).Append(',').Append(c.ToString("R", CultureInfo.InvariantCulture));
                }
                sb.Append('\n');
            }
            await _w.WriteAsync(sb, ct);
        }

        public override ValueTask DisposeAsync() => _w.DisposeAsync();

        private static string Quote(string s) => Keel.Data.TextFormats.QuoteField(s, ',');
    }

    private sealed class JsonlWriter(Stream stream, int top, string[] keep) : ChunkWriter
    {
        public override async Task WriteAsync(long firstRow, Column[] kept, Predictions p, ContributionTable? explained, CancellationToken ct)
        {
            using var buffer = new MemoryStream();
            var predicted = p.Probabilities is null ? null : p.PredictedClassIndices();
            for (var r = 0; r < p.Count; r++)
            {
                await using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    w.WriteNumber("row", firstRow + r);
                    for (var c = 0; c < kept.Length; c++)
                    {
                        if (kept[c].IsMissing(r)) w.WriteNull(keep[c]);
                        else w.WriteString(keep[c], kept[c].Format(r));
                    }
                    if (predicted is null) Number(w, "predicted", p.Values![r]);
                    else
                    {
                        w.WriteString("predicted", p.Classes[predicted[r]]);
                        for (var k = 0; k < p.Classes.Count; k++) w.WriteNumber("p_" + p.Classes[k], p.Probabilities![r][k]);
                    }
                    if (explained is not null)
                    {
                        foreach (var ((column, c), names) in explained.Top(r, top).Zip(TopNames(top)))
                        {
                            w.WriteString(names.Column, column);
                            Number(w, names.Contribution, c);
                        }
                    }
                    w.WriteEndObject();
                }
                buffer.WriteByte((byte)'\n');
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(stream, ct);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static void Number(Utf8JsonWriter w, string name, double v)
        {
            if (double.IsFinite(v)) w.WriteNumber(name, v);
            else w.WriteNull(name);
        }
    }

    private sealed class ParquetChunkWriter(ParquetWriter writer, DataField<long> row, DataField<string>[] keep, DataField predicted, DataField<double>[] probabilities,
        (DataField<string> Column, DataField<double> Contribution)[] tops) : ChunkWriter
    {
        public static async Task<ChunkWriter> CreateAsync(Stream stream, IReadOnlyList<string> classes, int top, string[] kept, CancellationToken ct)
        {
            var row = new DataField<long>("row");
            var keep = kept.Select(c => new DataField<string>(c)).ToArray();
            DataField predicted = classes.Count > 0 ? new DataField<string>("predicted") : new DataField<double>("predicted");
            var probabilities = classes.Select(c => new DataField<double>("p_" + c)).ToArray();
            var tops = TopNames(top).Select(n => (new DataField<string>(n.Column), new DataField<double>(n.Contribution))).ToArray();
            var writer = await ParquetWriter.CreateAsync(
                new ParquetSchema([row, .. keep, predicted, .. probabilities, .. tops.SelectMany(t => new DataField[] { t.Item1, t.Item2 })]), stream, cancellationToken: ct);
            return new ParquetChunkWriter(writer, row, keep, predicted, probabilities, tops);
        }

        public override async Task WriteAsync(long firstRow, Column[] kept, Predictions p, ContributionTable? explained, CancellationToken ct)
        {
            if (p.Count == 0) return;
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(row, Enumerable.Range(0, p.Count).Select(i => firstRow + i).ToArray(), cancellationToken: ct);
            for (var c = 0; c < keep.Length; c++)
            {
                var column = kept[c];
                await group.WriteAsync(keep[c], Enumerable.Range(0, p.Count).Select(r => column.IsMissing(r) ? null : column.Format(r)).ToArray());
            }
            if (p.Probabilities is not { } probs)
            {
                await group.WriteAsync<double>(predicted, p.Values!.ToArray(), cancellationToken: ct);
            }
            else
            {
                var k = p.PredictedClassIndices();
                await group.WriteAsync(predicted, k.Select(i => p.Classes[i]).ToArray());
                for (var c = 0; c < probabilities.Length; c++)
                {
                    var col = c;
                    await group.WriteAsync<double>(probabilities[c], probs.Select(r => r[col]).ToArray(), cancellationToken: ct);
                }
            }
            if (explained is null) return;
            var top = Enumerable.Range(0, p.Count).Select(r => explained.Top(r, tops.Length)).ToArray();
            for (var i = 0; i < tops.Length; i++)
            {
                var at = i;
                await group.WriteAsync(tops[i].Column, top.Select(t => t[at].Column).ToArray());
                await group.WriteAsync<double>(tops[i].Contribution, top.Select(t => t[at].Contribution).ToArray(), cancellationToken: ct);
            }
        }

        public override ValueTask DisposeAsync() => writer.DisposeAsync();
    }
}
