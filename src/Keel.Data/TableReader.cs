using Keel.Core;

namespace Keel.Data;

/// <summary>Reads CSV/TSV, JSON Lines and Parquet files into typed tables, streaming them (files over 2 GB are fine).</summary>
public static class TableReader
{
    /// <summary>Reads <paramref name="path"/>; user errors (missing file, bad rows, bad values) throw <see cref="KeelInputException"/>.</summary>
    public static LoadedTable Read(string path, ReadOptions options) => Read(path, options, int.MaxValue);

    /// <summary>As <see cref="Read(string, ReadOptions)"/>, reading at most <paramref name="maxParquetRowGroups"/> row groups of a Parquet file.</summary>
    internal static LoadedTable Read(string path, ReadOptions options, int maxParquetRowGroups)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new KeelInputException($"{path}: file not found.");
        var format = ResolveFormat(path, options.Format);
        var bytes = new FileInfo(path).Length;
        ColumnBuilder builder;
        var (table, sha) = format switch
        {
            "csv" => ReadCsv(path, options, name, out builder),
            "jsonl" => JsonlTableReader.Read(path, TextEncodings.Resolve(options.Encoding), builder = new ColumnBuilder(name, options, byLine: true)),
            _ => ParquetTableReader.Read(path, builder = new ColumnBuilder(name, options, byLine: false), maxParquetRowGroups),
        };
        return new LoadedTable(table, Path.GetFullPath(path), format, sha, bytes) { DecimalComma = builder.DecimalComma };
    }

    private static (Core.Data.Table, string) ReadCsv(string path, ReadOptions options, string name, out ColumnBuilder builder)
    {
        var encoding = TextEncodings.Resolve(options.Encoding);
        var delimiter = Delimiters.Choose(path, options.Delimiter, encoding);
        builder = new ColumnBuilder(name, options, byLine: true, delimiter);
        return CsvTableReader.Read(path, delimiter, encoding, builder);
    }

    /// <summary>The format a file is read as: <paramref name="format"/> when given (data.format), else its extension's; "csv" (also
    /// TSV), "jsonl" or "parquet".</summary>
    /// <exception cref="KeelInputException">An unknown format or extension.</exception>
    public static string ResolveFormat(string path, string? format)
    {
        if (format is not null)
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "csv" or "tsv" => "csv",
                "jsonl" or "ndjson" or "json" => "jsonl",
                "parquet" => "parquet",
                _ => throw new KeelInputException($"data.format: expected csv, jsonl or parquet, got '{format}'."),
            };
        }
        return FormatOfExtension(path) ?? throw new KeelInputException(
            $"{Path.GetFileName(path)}: cannot tell the format from the extension '{Path.GetExtension(path).ToLowerInvariant()}'; expected .csv, .tsv, .jsonl, .ndjson, .json or .parquet, or set data.format.");
    }

    /// <summary>The format a path's extension names: "csv" (.csv, .tsv), "jsonl" (.jsonl, .ndjson, .json) or "parquet"; null for
    /// any other extension.</summary>
    public static string? FormatOfExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" or ".tsv" => "csv",
        ".jsonl" or ".ndjson" or ".json" => "jsonl",
        ".parquet" => "parquet",
        _ => null,
    };
}
