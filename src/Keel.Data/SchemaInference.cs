using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Infers a column's logical type from its raw string values.</summary>
public static class SchemaInference
{
    /// <summary>
    /// The type of a column whose raw values are given; null entries are missing (readers map missing tokens to null first).
    /// Numeric if every value is a number (infinities included), else Boolean (true/false), else DateTime (ISO-8601), else
    /// Text for free text, else Categorical. An all-missing column is Categorical.
    /// </summary>
    /// <exception cref="Core.KeelInputException">At least 99% of the values are numbers but some are not (a stray token).</exception>
    public static ColumnType Infer(IReadOnlyList<string?> rawValues)
    {
        ArgumentNullException.ThrowIfNull(rawValues);
        var inference = new ColumnInference();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rawValues.Count; i++)
        {
            if (rawValues[i] is not { } v) continue;
            inference.Observe(v, i);
            distinct.Add(v);
        }
        var type = inference.Decide("values", "(values)", i => $"index {i}");
        return type == ColumnType.Categorical ? inference.TextOrCategorical(distinct.Count) : type;
    }
}
