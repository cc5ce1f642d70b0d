namespace Keel.Core.Spec;

/// <summary>The spec's <c>features</c> section: transforms by column type and per column (a column's own options win),
/// plus feature crosses. Every transform is fitted on the training rows only and stored in the model package.</summary>
public sealed record FeaturesSpec
{
    /// <summary>Options for every column of a type: keys numeric, boolean, categorical, datetime. Default: none.</summary>
    public IReadOnlyDictionary<string, FeatureTransform> ByType { get; init; } = new Dictionary<string, FeatureTransform>();

    /// <summary>Options for one column by name; they override its type's options field by field. Default: none.</summary>
    public IReadOnlyDictionary<string, FeatureTransform> Columns { get; init; } = new Dictionary<string, FeatureTransform>();

    /// <summary>Pairs of columns crossed into one categorical feature. Default: none.</summary>
    public IReadOnlyList<FeatureCross> Crosses { get; init; } = [];

    /// <summary>The options of one column: its type's (by_type key numeric, boolean, datetime, categorical) overridden by its own.</summary>
    public FeatureTransform For(string column, Keel.Core.Data.ColumnType type) =>
        new FeatureTransform().With(ByType.GetValueOrDefault(type.ToString().ToLowerInvariant())).With(Columns.GetValueOrDefault(column));
}

/// <summary>Transform options of a column (or a type); a null field is not set, so the type's option or Keel's default applies.</summary>
public sealed record FeatureTransform
{
    /// <summary>Numeric, boolean: how missing values are filled: mean, median, most_frequent or constant. Default median.</summary>
    public string? Impute { get; init; }

    /// <summary>The fill value of <c>impute: constant</c>. Default 0.</summary>
    public double? FillValue { get; init; }

    /// <summary>Numeric, boolean: add a 0/1 "__missing" feature; null (auto) adds it when the training rows have missing values.</summary>
    public bool? MissingIndicator { get; init; }

    /// <summary>Numeric: none, standard (mean/sd), minmax (to 0..1) or robust (median/IQR). Default none.</summary>
    public string? Scale { get; init; }

    /// <summary>Numeric: discretise into bins: quantile or uniform (with <see cref="BinCount"/>), or fixed (with <see cref="BinEdges"/>). Default: none.</summary>
    public string? Bins { get; init; }

    /// <summary>The number of quantile or uniform bins. Default 5.</summary>
    public int? BinCount { get; init; }

    /// <summary>The cut points of fixed bins, ascending; a value equal to a cut point goes to the upper bin.</summary>
    public IReadOnlyList<double>? BinEdges { get; init; }

    /// <summary>Categorical: onehot, hash or target; null (auto) one-hot encodes up to 200 distinct values and hashes beyond.</summary>
    public string? Encode { get; init; }

    /// <summary>One-hot: a value needs at least this many training rows for its own feature (others share "__other"). Default 2.</summary>
    public int? MinFrequency { get; init; }

    /// <summary>One-hot: the most values kept, by training frequency. Default 50.</summary>
    public int? MaxCategories { get; init; }

    /// <summary>Hash: the number of buckets. Default 64.</summary>
    public int? Buckets { get; init; }

    /// <summary>Target: the number of folds for out-of-fold encodings of the training rows. Default 5.</summary>
    public int? Folds { get; init; }

    /// <summary>Target: shrinkage towards the overall mean, in rows; null (auto) uses scikit-learn's empirical-Bayes rule.</summary>
    public double? Smoothing { get; init; }

    /// <summary>Date-time: the parts to make (year, month, day, dayofweek, dayofyear, hour, unix, minute, quarter, weekend). Default: every part up to unix.</summary>
    public IReadOnlyList<string>? Parts { get; init; }

    /// <summary>This transform with every field set in <paramref name="over"/> taking its value.</summary>
    public FeatureTransform With(FeatureTransform? over) => over is null ? this : new FeatureTransform
    {
        Impute = over.Impute ?? Impute,
        FillValue = over.FillValue ?? FillValue,
        MissingIndicator = over.MissingIndicator ?? MissingIndicator,
        Scale = over.Scale ?? Scale,
        Bins = over.Bins ?? Bins,
        BinCount = over.BinCount ?? BinCount,
        BinEdges = over.BinEdges ?? BinEdges,
        Encode = over.Encode ?? Encode,
        MinFrequency = over.MinFrequency ?? MinFrequency,
        MaxCategories = over.MaxCategories ?? MaxCategories,
        Buckets = over.Buckets ?? Buckets,
        Folds = over.Folds ?? Folds,
        Smoothing = over.Smoothing ?? Smoothing,
        Parts = over.Parts ?? Parts,
    };
}

/// <summary>Two columns crossed into one categorical feature "A*B" whose values are "a|b" (missing when either is), then
/// encoded with <paramref name="Options"/>' categorical options (default auto: one-hot, or hashed when it has many values).</summary>
/// <param name="First">The first column.</param>
/// <param name="Second">The second column.</param>
/// <param name="Options">How the crossed values are encoded.</param>
public sealed record FeatureCross(string First, string Second, FeatureTransform Options)
{
    /// <summary>The crossed feature's name.</summary>
    public string Name => $"{First}*{Second}";
}
