using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data.Binding;

/// <summary>Where the values being bound come from, for error messages, and which raw values are missing.</summary>
public sealed record BindingOptions
{
    /// <summary>Names the input in messages, e.g. "request" or "input.csv". Default "request".</summary>
    public string Source { get; init; } = "request";

    /// <summary>Added to row indices in messages (rows of earlier chunks). Default 0.</summary>
    public long FirstRow { get; init; }

    /// <summary>Raw values read as missing (exact match), as when training. Default: "", NA, N/A, null, NULL, NaN.</summary>
    public IReadOnlyList<string> MissingTokens { get; init; } = DefaultMissingTokens;

    internal static readonly IReadOnlyList<string> DefaultMissingTokens = new ReadOptions().MissingTokens;

    /// <summary>Whether a number may be written with a decimal comma ("39,1"), as in a semicolon-delimited file. Default false.</summary>
    public bool DecimalComma { get; init; }

    /// <summary>What a missing-column message advises. Default: "send null for a missing value" (a request).</summary>
    public string MissingColumnAdvice { get; init; } = "send null for a missing value";

    /// <summary>Columns bound because <c>keel predict --keep</c> asked for them, not because the model reads them; a missing one is
    /// named as --keep's. Default none.</summary>
    public IReadOnlyCollection<string> Requested { get; init; } = [];

    /// <summary>The defaults: source "request", first row 0, the default missing tokens.</summary>
    public static BindingOptions Default { get; } = new();

    private static readonly ConditionalWeakTable<IReadOnlyList<string>, HashSet<string>> MissingSets = new();

    /// <summary>The missing tokens as a set, built once per token list (requests share their model's options).</summary>
    internal HashSet<string> MissingSet =>
        MissingSets.GetValue(MissingTokens, tokens => new HashSet<string>(tokens, StringComparer.Ordinal));
}

/// <summary>
/// Builds a <see cref="Table"/> typed by a model's input schema from raw values: the schema decides every column's type,
/// nothing is inferred. Columns are matched by name; columns not in the schema are ignored; a schema column that never gets
/// a value is an error naming it; a value that does not parse as its column's type is an error naming row and column.
/// </summary>
/// <remarks>Raw strings are parsed exactly as the training reader parses them, so the same file gives the same values.</remarks>
public sealed class SchemaBoundTableBuilder
{
    private const int MaxUnusedNames = 256;

    private readonly DataSchema _schema;
    private readonly BindingOptions _options;
    private readonly Dictionary<string, int> _index;
    private readonly HashSet<string> _missing;

    /// <summary>Input names the model does not use (up to <see cref="MaxUnusedNames"/>), kept for the missing-column message.</summary>
    private readonly HashSet<string> _unused = new(StringComparer.Ordinal);

    private readonly double[]?[] _numbers;
    private readonly string?[]?[] _strings;
    private readonly bool[] _seen;

    /// <summary>A builder for <paramref name="rows"/> rows of <paramref name="schema"/>; every value starts missing.</summary>
    public SchemaBoundTableBuilder(DataSchema schema, int rows, BindingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        _schema = schema;
        _options = options ?? BindingOptions.Default;
        // Requests build one of these each: the token set is built once per options object and shared (read-only).
        _missing = _options.MissingSet;
        RowCount = rows;
        var n = schema.Columns.Count;
        _index = Indexes.GetValue(schema, Index);
        _numbers = new double[]?[n];
        _strings = new string?[]?[n];
        _seen = new bool[n];
        for (var c = 0; c < n; c++)
        {
            var col = schema.Columns[c];
            if (IsStringType(col.Type)) _strings[c] = new string?[rows];
            else Array.Fill(_numbers[c] = new double[rows], double.NaN);
        }
    }

    // Requests build one builder each against their model's schema object: its name index is built once and shared (read-only).
    private static readonly ConditionalWeakTable<DataSchema, Dictionary<string, int>> Indexes = new();

    private static Dictionary<string, int> Index(DataSchema schema)
    {
        var index = new Dictionary<string, int>(schema.Columns.Count, StringComparer.Ordinal);
        for (var c = 0; c < schema.Columns.Count; c++) index[schema.Columns[c].Name] = c;
        return index;
    }

    /// <summary>Number of rows being built.</summary>
    public int RowCount { get; }

    /// <summary>The schema column index of <paramref name="name"/>, or -1 when the model does not use it (it is ignored).</summary>
    public int ColumnIndex(string name)
    {
        if (_index.TryGetValue(name, out var c)) return c;
        // Kept (a few) to name in the missing-column message: "beak_length_mm" sent for "Beak Length (mm)".
        if (_unused.Count < MaxUnusedNames) _unused.Add(name);
        return -1;
    }

    /// <summary>Whether a column was marked present or given a value.</summary>
    public bool IsPresent(int column) => _seen[column];

    /// <summary>Marks a column as present in the input without setting a value (e.g. a CSV header or a column list).</summary>
    public void MarkPresent(int column) => _seen[column] = true;

    /// <summary>Sets a value from raw text (a CSV field); null or a missing token is a missing value.</summary>
    /// <exception cref="KeelInputException">The text is not a value of the column's type.</exception>
    public void SetRaw(int column, int row, string? raw)
    {
        _seen[column] = true;
        if (raw is null || _missing.Contains(raw)) return;
        var type = _schema.Columns[column].Type;
        if (_strings[column] is { } s)
        {
            s[row] = raw;
            return;
        }
        _numbers[column]![row] = Parse(type, raw, column, row);
    }

    /// <summary>Sets a value read as a number (a typed file column); NaN is missing. A string column gets its invariant text.</summary>
    public void SetNumber(int column, int row, double value)
    {
        _seen[column] = true;
        if (double.IsNaN(value)) return;
        if (_numbers[column] is { } numbers) numbers[row] = value;
        else _strings[column]![row] = value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Sets a value from JSON: null is missing; numbers, strings and booleans are read as the column's type.</summary>
    /// <exception cref="KeelInputException">An object or array, or a value that is not of the column's type.</exception>
    public void SetJson(int column, int row, JsonElement value)
    {
        _seen[column] = true;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return;
            case JsonValueKind.Number when _numbers[column] is { } numbers && _schema.Columns[column].Type == ColumnType.Numeric && value.TryGetDouble(out var d) && double.IsFinite(d):
                numbers[row] = d;
                return;
            case JsonValueKind.Number:
                SetRaw(column, row, value.GetRawText());
                return;
            case JsonValueKind.String:
                SetRaw(column, row, value.GetString());
                return;
            case JsonValueKind.True or JsonValueKind.False:
                if (_schema.Columns[column].Type == ColumnType.Numeric) throw Wrong(column, row, value.ValueKind == JsonValueKind.True ? "true" : "false");
                SetRaw(column, row, value.ValueKind == JsonValueKind.True ? "true" : "false");
                return;
            default:
                throw new KeelInputException(
                    $"{Where(row)}, column '{_schema.Columns[column].Name}': expected {Expected(_schema.Columns[column].Type)} or null, got {(value.ValueKind == JsonValueKind.Array ? "an array" : "an object")}.");
        }
    }

    /// <summary>The table in schema order.</summary>
    /// <exception cref="KeelInputException">A schema column was never given (listed with their types).</exception>
    public Table Build()
    {
        if (Array.IndexOf(_seen, false) >= 0)
        {
            var unused = _unused.ToList();
            if (_schema.Columns.Where((_, c) => !_seen[c]).FirstOrDefault(c => _options.Requested.Contains(c.Name)) is { } asked)
                throw new KeelInputException($"--keep {asked.Name}: {_options.Source} has no column of that name{(ColumnNames.Closest(asked.Name, unused) is { } near ? $"; did you mean '{near}'?" : ".")}");
            var absent = _schema.Columns.Where((_, c) => !_seen[c]).ToArray();
            var names = string.Join(", ", absent.Select(c => $"'{c.Name}' ({Lower(c.Type)}{(ColumnNames.Closest(c.Name, unused) is { } sent ? $"; the input has '{sent}'" : "")})"));
            throw new KeelInputException(
                $"{_options.Source}: missing column{(absent.Length > 1 ? "s" : "")} {names}, which the model expects; {_options.MissingColumnAdvice}.");
        }
        var columns = new Column[_schema.Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var col = _schema.Columns[c];
            columns[c] = _strings[c] is { } s ? new StringColumn(col.Name, s, col.Type) : new NumericColumn(col.Name, _numbers[c]!, col.Type);
        }
        return new Table(columns, RowCount);
    }

    private double Parse(ColumnType type, string raw, int column, int row)
    {
        var ok = type switch
        {
            ColumnType.Boolean => ValueParser.TryParseBooleanOverride(raw.AsSpan(), out var b) ? (true, b) : (false, 0),
            ColumnType.DateTime => ValueParser.TryParseDateTime(raw, out var t) ? (true, t) : (false, 0),
            _ => ValueParser.TryParseNumber(raw, out var v, _options.DecimalComma) ? (true, v) : (false, 0),
        };
        return ok.Item1 ? ok.Item2 : throw Wrong(column, row, raw);
    }

    private KeelInputException Wrong(int column, int row, string raw)
    {
        var col = _schema.Columns[column];
        var shown = raw.Length > 40 ? raw[..40] + "…" : raw;
        return new KeelInputException($"{Where(row)}, column '{col.Name}': expected {Expected(col.Type)}, got '{shown}'.");
    }

    private string Where(int row) => $"{_options.Source} row {(_options.FirstRow + row).ToString(CultureInfo.InvariantCulture)} (0-based)";

    private static string Expected(ColumnType type) => type == ColumnType.Boolean ? "true, false, 1 or 0" : ValueParser.Expectation(type);

    private static bool IsStringType(ColumnType type) => type is ColumnType.Categorical or ColumnType.Text;

    private static string Lower(ColumnType type) => type.ToString().ToLowerInvariant();
}
