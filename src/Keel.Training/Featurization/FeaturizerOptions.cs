namespace Keel.Training.Featurization;

/// <summary>How raw columns are turned into a numeric feature vector.</summary>
public sealed record FeaturizerOptions
{
    /// <summary>Standardise every feature to mean 0 and standard deviation 1 (train statistics). Default false; linear models set it.</summary>
    public bool Standardize { get; init; }

    /// <summary>Most one-hot slots per categorical column (by train frequency). Default 50.</summary>
    public int MaxCategories { get; init; } = 50;

    /// <summary>A category needs at least this many train rows to get its own slot. Default 2.</summary>
    public int MinCategoryCount { get; init; } = 2;

    /// <summary>Columns with more distinct train values than this are hashed instead of one-hot encoded. Default 200.</summary>
    public int HashingThreshold { get; init; } = 200;

    /// <summary>Buckets for hashed categorical columns. Default 64.</summary>
    public int CategoryHashBuckets { get; init; } = 64;

    /// <summary>Buckets for text word tokens. Default 256.</summary>
    public int TextHashBuckets { get; init; } = 256;

    /// <summary>Date parts per date-time column (names from <see cref="Featurizer.AllDateParts"/>); a column not named gets every part.
    /// Default: empty, so every date-time column gets every part.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DateParts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The spec's features section (imputation, scaling, bins, encodings, crosses, date parts) by type and column; a date
    /// column's <see cref="DateParts"/> entry wins over its parts here. Default null: the defaults above for every column.</summary>
    public Keel.Core.Spec.FeaturesSpec? Engineering { get; init; }
}
