using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Data.Leakage;

/// <summary>What the leakage checks look at: the split rows, the features and label, and the columns that describe the split.</summary>
public sealed record LeakageRequest
{
    /// <summary>The whole table (label, features and every other column), one row per labelled row.</summary>
    public required Table Table { get; init; }

    /// <summary>The feature columns' names.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>The encoded label of every row.</summary>
    public required EncodedLabels Labels { get; init; }

    /// <summary>The split.</summary>
    public required SplitResult Split { get; init; }

    /// <summary>The column ordering rows in time, or null. Default null.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>The column whose values must stay on one side of the split, or null. Default null.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>Columns declared available only after the label is known (data.available_at: after_label). Default: none.</summary>
    public IReadOnlyList<string> AfterLabel { get; init; } = [];

    /// <summary>Columns left out of the row comparison (a predefined split column differs by design). Default: none.</summary>
    public IReadOnlyList<string> NotCompared { get; init; } = [];

    /// <summary>The number each table row is shown by, in messages and <see cref="Quality.Finding.Rows"/> (its data row in the file when
    /// rows were dropped before the checks). Default null: the table row itself.</summary>
    public IReadOnlyList<int>? RowNumbers { get; init; }

    /// <summary>The number table row <paramref name="row"/> is shown by.</summary>
    internal int Shown(int row) => RowNumbers is { } numbers ? numbers[row] : row;
}

/// <summary>Thresholds of the leakage checks.</summary>
public sealed record LeakageOptions
{
    /// <summary>A single feature whose validation AUC (macro one-versus-rest for several classes) reaches this is suspect. Default 0.97.</summary>
    public double SuspectAuc { get; init; } = 0.97;

    /// <summary>A single feature whose validation R² reaches this is suspect (regression). Default 0.95.</summary>
    public double SuspectR2 { get; init; } = 0.95;

    /// <summary>... and only when it beats the next-best feature by at least this much ("far above the rest"). Default 0.15.</summary>
    public double Margin { get; init; } = 0.15;

    /// <summary>Quantile bins of a numeric feature in its one-feature model. Default 20.</summary>
    public int Bins { get; init; } = 20;

    /// <summary>Test rows that repeat a train row, as a share of the test rows, from which duplicates are a warning (below: info). Default 0.01.</summary>
    public double DuplicateShare { get; init; } = 0.01;
}
