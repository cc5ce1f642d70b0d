using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Monitoring.Reference;

/// <summary>Whether a column is a model input or a model output (score or class).</summary>
public enum ColumnRole
{
    /// <summary>A feature the model reads.</summary>
    Input,
    /// <summary>What the model answers: the positive-class score, the predicted class or the predicted value.</summary>
    Output,
}

/// <summary>How a column is compared: numeric (KS, Wasserstein, PSI on deciles) or categorical (chi-square, JS, PSI on categories).</summary>
public enum ColumnKind
{
    /// <summary>Numbers (also booleans read as 0/1 are categorical, see the builder).</summary>
    Numeric,
    /// <summary>Categories compared by their counts.</summary>
    Categorical,
    /// <summary>Timestamps and free text: only missing rate and schema are checked.</summary>
    Other,
}

/// <summary>What Keel keeps of one column of the reference data, enough for every drift statistic without the data.</summary>
public sealed record ColumnReference
{
    /// <summary>Column name.</summary>
    public required string Name { get; init; }
    /// <summary>Input or output.</summary>
    public ColumnRole Role { get; init; }
    /// <summary>How the column is compared.</summary>
    public ColumnKind Kind { get; init; }
    /// <summary>The column's type as read (numeric, categorical, text, datetime, boolean).</summary>
    public required string Type { get; init; }
    /// <summary>Non-missing values in the reference.</summary>
    public long Count { get; init; }
    /// <summary>Missing values in the reference.</summary>
    public long Missing { get; init; }
    /// <summary>Smallest value (numeric); the out-of-range rate counts window values outside [Min, Max].</summary>
    public double? Min { get; init; }
    /// <summary>Largest value (numeric).</summary>
    public double? Max { get; init; }
    /// <summary>Mean of every value (numeric).</summary>
    public double? Mean { get; init; }
    /// <summary>Population standard deviation of every value (numeric); scales the Wasserstein distance in the verdict.</summary>
    public double? Std { get; init; }
    /// <summary>The values, ascending: all of them, or a seeded uniform sample of <see cref="ReferenceOptions.MaxSample"/> (numeric).</summary>
    public double[]? Sample { get; init; }
    /// <summary>PSI bin edges: deciles of every value, duplicates removed (numeric).</summary>
    public double[]? PsiEdges { get; init; }
    /// <summary>Share of every value in each PSI bin (numeric), so PSI is exact even when the sample is capped.</summary>
    public double[]? PsiProportions { get; init; }
    /// <summary>Category → count, every category seen (categorical).</summary>
    public IReadOnlyDictionary<string, long>? Counts { get; init; }

    /// <summary>Missing share of all reference rows.</summary>
    [JsonIgnore]
    public double MissingRate => Count + Missing == 0 ? 0 : (double)Missing / (Count + Missing);
}

/// <summary>
/// A model version's reference: per input and output column what drift statistics need (sorted sample, deciles, category
/// counts, range, missing rate). Stored as the run artifact <c>monitoring/reference.json</c> of the version's source run.
/// </summary>
public sealed record ReferenceProfile
{
    /// <summary>The artifact path under a run.</summary>
    public const string ArtifactPath = "monitoring/reference.json";

    /// <summary>Format version of this record.</summary>
    public int Format { get; init; } = 1;
    /// <summary>Rows of the reference data.</summary>
    public long Rows { get; init; }
    /// <summary>Where the reference came from (e.g. "train split of run ab12", or a file name).</summary>
    public string Source { get; init; } = "";
    /// <summary>The cap on numeric samples that built it.</summary>
    public int MaxSample { get; init; }
    /// <summary>The positive class of a binary classifier, whose probability is the <c>score</c> output; null otherwise.</summary>
    public string? PositiveClass { get; init; }
    /// <summary>Columns of the reference data that are not profiled (the label, ignored columns): not reported as new in a window.</summary>
    public IReadOnlyList<string> OtherColumns { get; init; } = [];
    /// <summary>The columns, inputs first.</summary>
    public IReadOnlyList<ColumnReference> Columns { get; init; } = [];

    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public ColumnReference? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The profile as UTF-8 JSON (doubles round-trip exactly).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a profile written by <see cref="ToJson"/>.</summary>
    /// <exception cref="Keel.Core.KeelInputException">Not a reference profile.</exception>
    public static ReferenceProfile FromJson(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<ReferenceProfile>(json, Json)
                ?? throw new Keel.Core.KeelInputException($"{source}: empty reference profile.");
        }
        catch (JsonException e)
        {
            throw new Keel.Core.KeelInputException($"{source}: not a Keel reference profile ({e.Message}).", e);
        }
    }
}
