using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data.Contracts;

/// <summary>What new data must look like, inferred from training rows: columns with types, ranges, categories and missing
/// rates, and a band of row counts. Stored with every model version (run artifact data/contract.json) and editable as JSON.</summary>
public sealed record DataContract
{
    /// <summary>The contract format's version. Default 1.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>The rows a data set should have: from a tenth to ten times the training rows when inferred.</summary>
    public required RowBand Rows { get; init; }

    /// <summary>The columns, in training order.</summary>
    public required IReadOnlyList<ColumnContract> Columns { get; init; }

    /// <summary>The serializer shape of contracts: snake_case, indented.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Infers a contract from <paramref name="table"/>: observed types and ranges, categories (up to
    /// <see cref="MaxCategories"/> distinct values), missing rate × 1.5 + 0.01 allowed, rows from n/10 to 10n.</summary>
    public static DataContract Infer(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var n = table.RowCount;
        var columns = table.Columns.Select(c =>
        {
            var missing = n == 0 ? 0 : (double)c.MissingCount() / n;
            var contract = new ColumnContract(c.Name, c.Type.ToString().ToLowerInvariant()) { MaxMissingRate = Math.Min(1, Math.Round(missing * 1.5 + 0.01, 4)) };
            if (c is NumericColumn { Type: not ColumnType.Boolean } num)
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                foreach (var v in num.Values)
                {
                    if (!double.IsFinite(v)) continue;
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
                return min <= max ? contract with { Min = min, Max = max } : contract;
            }
            if (c is StringColumn { Type: ColumnType.Categorical } s)
            {
                var values = new HashSet<string>(StringComparer.Ordinal);
                foreach (var v in s.Values)
                {
                    if (v is not null && values.Add(v) && values.Count > MaxCategories) return contract;
                }
                return contract with { Categories = values.Order(StringComparer.Ordinal).ToArray() };
            }
            return contract;
        }).ToArray();
        return new DataContract { Rows = new RowBand(Math.Max(1, n / 10), Math.Max(1, (long)n * 10)), Columns = columns };
    }

    /// <summary>Categorical columns with more distinct values than this get no category list.</summary>
    public const int MaxCategories = 1000;

    /// <summary>The contract as JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a contract; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="KeelInputException">Not JSON, or not a contract (the message names the line and what was expected).</exception>
    public static DataContract Parse(string json, string source)
    {
        DataContract? contract;
        try
        {
            contract = JsonSerializer.Deserialize<DataContract>(json, Json);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}" : "";
            throw new KeelInputException($"{source}: not a data contract{where} ({e.Message.Split(" Path:")[0]}); expected JSON with 'rows' {{min, max}} and 'columns' [{{name, type, ...}}], as keel validate --write-contract writes it.", e);
        }
        if (contract is null) throw new KeelInputException($"{source}: not a data contract (the file holds null); expected an object with 'rows' and 'columns'.");
        for (var i = 0; i < contract.Columns.Count; i++)
        {
            var c = contract.Columns[i];
            if (string.IsNullOrEmpty(c.Name)) throw new KeelInputException($"{source}: columns[{i}] has no name.");
            if (!Enum.TryParse<ColumnType>(c.Type, true, out _) || int.TryParse(c.Type, out _))
                throw new KeelInputException($"{source}: columns[{i}] ('{c.Name}'): type '{c.Type}' is not one of numeric, categorical, text, datetime, boolean.");
        }
        return contract;
    }

    /// <summary>Reads a contract file.</summary>
    /// <exception cref="KeelInputException">Missing, unreadable or not a contract.</exception>
    public static DataContract Read(string path)
    {
        if (!File.Exists(path)) throw new KeelInputException($"{path}: contract file not found.");
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }
}

/// <summary>The least and most rows a data set should have.</summary>
public sealed record RowBand(long Min, long Max);

/// <summary>What one column must hold.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">numeric, categorical, text, datetime or boolean.</param>
public sealed record ColumnContract(string Name, string Type)
{
    /// <summary>The largest share of missing values allowed. Default 1 (any).</summary>
    public double MaxMissingRate { get; init; } = 1;

    /// <summary>Numeric and datetime (Unix seconds): the smallest value allowed. Default null: no bound.</summary>
    public double? Min { get; init; }

    /// <summary>Numeric and datetime (Unix seconds): the largest value allowed. Default null: no bound.</summary>
    public double? Max { get; init; }

    /// <summary>Categorical: the values allowed. Default null: any.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
}
