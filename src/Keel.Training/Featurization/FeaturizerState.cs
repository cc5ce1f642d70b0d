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
    public DataSchema InputSchema => new(Columns.Where(c => c.Cross is null).Select(c => new ColumnSchema(c.Name, c.Type)).ToArray());
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
/// <param name="Impute">Numeric, Boolean: how <paramref name="Fill"/> was chosen (mean, median, most_frequent, constant); null means median.</param>
/// <param name="Scale">Numeric: standard, minmax or robust, applied after imputation as (value − Center) / Spread; null when not scaled.</param>
/// <param name="Center">Numeric: what scaling subtracts (mean, minimum or median of the imputed train values). Default 0.</param>
/// <param name="Spread">Numeric: what scaling divides by (sd, range or interquartile range; 1 where it is 0). Default 1.</param>
/// <param name="Bins">Numeric: quantile, uniform or fixed when the value becomes its bin number; null otherwise.</param>
/// <param name="BinEdges">Numeric with bins: the inner cut points, ascending; a value equal to one goes to the upper bin.</param>
/// <param name="Encoding">Categorical: onehot, hash or target as configured; null when chosen automatically (one-hot or hash).</param>
/// <param name="Target">Categorical with target encoding: the encodings learned on every training row.</param>
/// <param name="Cross">A feature cross: the two input columns whose values are joined as "a|b"; null for an input column.</param>
/// <param name="WeekStartsMonday">DateTime: "dayofweek" counts Monday 0 to Sunday 6 (ISO order, as pandas), so Saturday and Sunday
/// are neighbours and one threshold splits off the weekend; false: Sunday 0 to Saturday 6 (packages saved before).</param>
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
    double Max = double.PositiveInfinity,
    string? Impute = null,
    string? Scale = null,
    double Center = 0,
    double Spread = 1,
    string? Bins = null,
    IReadOnlyList<double>? BinEdges = null,
    string? Encoding = null,
    TargetEncoding? Target = null,
    IReadOnlyList<string>? Cross = null,
    bool WeekStartsMonday = false);

/// <summary>What target encoding learned for one categorical column, as scikit-learn's TargetEncoder: per value, the smoothed
/// mean of the target (one number; one per class for multiclass, one-vs-rest).</summary>
/// <param name="Values">Encoding per training value; a missing value is the key <see cref="MissingKey"/>.</param>
/// <param name="Prior">The training target mean (per class), which unseen values get.</param>
/// <param name="Folds">Folds of the out-of-fold encodings the training rows got.</param>
/// <param name="Smoothing">Shrinkage in rows; null for the empirical-Bayes ("auto") rule.</param>
/// <param name="Outputs">The output names' suffixes: "target" or "target=CLASS" per class.</param>
public sealed record TargetEncoding(
    IReadOnlyDictionary<string, double[]> Values,
    double[] Prior,
    int Folds,
    double? Smoothing,
    IReadOnlyList<string> Outputs)
{
    /// <summary>The key a missing value is encoded under.</summary>
    public const string MissingKey = "\0missing";
}
