namespace Keel.Data.Quality;

/// <summary>Thresholds of the integrity checks (<see cref="IntegrityChecks"/>).</summary>
public sealed record IntegrityOptions
{
    /// <summary>A column whose most frequent value holds at least this share of the present values is near-constant. Default 0.99.</summary>
    public double NearConstantShare { get; init; } = 0.99;

    /// <summary>A number this many robust standard deviations (1.4826 × median absolute deviation) from the median is an extreme outlier. Default 10.</summary>
    public double OutlierRobustZ { get; init; } = 10;

    /// <summary>A class with fewer rows than this share of the largest class makes the labels imbalanced. Default 0.1.</summary>
    public double ImbalanceRatio { get; init; } = 0.1;

    /// <summary>Whether to look for label-noise suspects with an out-of-fold naive Bayes model. Default true.</summary>
    public bool LabelNoise { get; init; } = true;

    /// <summary>A suspect's out-of-fold probability of its own label is below this. Default 0.05.</summary>
    public double NoiseMaxLabelProbability { get; init; } = 0.05;

    /// <summary>Folds of the out-of-fold predictions. Default 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Seed of the fold assignment. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The number each table row is shown by, in messages and <see cref="Finding.Rows"/>: e.g. its data row in the file
    /// when rows without a label were dropped before the checks. Default null: the table row itself.</summary>
    public IReadOnlyList<int>? RowNumbers { get; init; }

    /// <summary>The number table row <paramref name="row"/> is shown by.</summary>
    internal int Shown(int row) => RowNumbers is { } numbers ? numbers[row] : row;
}
