using Keel.Core.Data;

namespace Keel.Training.Featurization;

/// <summary>What the featurizer learned from the training rows; serialised into the model package.</summary>
/// <param name="Columns">One plan per input column, in feature order.</param>
/// <param name="FeatureNames">The name of every output feature, e.g. "Home=rent" or "Income__missing".</param>
/// <param name="Means">Per-feature means used to standardise (linear models); null when not standardising.</param>
/// <param name="Scales">Per-feature standard deviations (1 where constant); null when not standardising.</param>
public sealed record FeaturizerState(
    IReadOnlyList<ColumnPlan> Columns,
    IReadOnlyList<string> FeatureNames,
    double[]? Means,
    double[]? Scales)
{
    /// <summary>The input columns the featurizer reads.</summary>
    public DataSchema InputSchema => new(Columns.Select(c => new ColumnSchema(c.Name, c.Type)).ToArray());
}

/// <summary>How one input column becomes features.</summary>
/// <param name="Name">Input column name.</param>
/// <param name="Type">Input column type.</param>
/// <param name="Offset">Index of its first output feature.</param>
/// <param name="Width">Number of output features.</param>
/// <param name="Fill">Numeric, Boolean, DateTime: the train median used for missing values.</param>
/// <param name="MissingIndicator">Numeric, Boolean, DateTime: whether a 0/1 "__missing" feature follows (train had missing values).</param>
/// <param name="Categories">Categorical one-hot: the kept values in slot order (then "other", then missing); null otherwise.</param>
/// <param name="HashBuckets">Hashed categorical or text: the number of buckets; 0 otherwise.</param>
/// <param name="DateParts">DateTime: the date parts made, in order; null means every part (packages saved before the option).</param>
/// <param name="Min">Numeric: the smallest finite train value, which -infinity becomes; -infinity when unknown (older packages).</param>
/// <param name="Max">Numeric: the largest finite train value, which +infinity becomes; +infinity when unknown (older packages).</param>
public sealed record ColumnPlan(
    string Name,
    ColumnType Type,
    int Offset,
    int Width,
    double Fill,
    bool MissingIndicator,
    IReadOnlyList<string>? Categories,
    int HashBuckets,
    IReadOnlyList<string>? DateParts = null,
    double Min = double.NegativeInfinity,
    double Max = double.PositiveInfinity);
