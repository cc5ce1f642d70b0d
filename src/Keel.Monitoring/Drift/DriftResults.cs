namespace Keel.Monitoring.Drift;

/// <summary>A change of a window's schema against the reference: a finding in the report, never a failure.</summary>
/// <param name="Column">The column concerned.</param>
/// <param name="Kind">missing_column, new_column, type_change or all_missing.</param>
/// <param name="Detail">What was expected and what was found.</param>
public sealed record SchemaFinding(string Column, string Kind, string Detail);

/// <summary>The drift figures of one column in one window; statistics that do not apply to the column's kind are null.</summary>
public sealed record ColumnDrift
{
    /// <summary>Column name.</summary>
    public required string Column { get; init; }
    /// <summary>input or output.</summary>
    public required string Role { get; init; }
    /// <summary>numeric, categorical or other.</summary>
    public required string Kind { get; init; }
    /// <summary>Non-missing values in the window.</summary>
    public long Values { get; init; }
    /// <summary>Missing share of the window's rows.</summary>
    public double MissingRate { get; init; }
    /// <summary>Missing share of the reference.</summary>
    public double ReferenceMissingRate { get; init; }
    /// <summary>Share of non-missing values outside the reference's [min, max] (numeric).</summary>
    public double? OutOfRangeRate { get; init; }
    /// <summary>Share of non-missing values whose category the reference never saw (categorical).</summary>
    public double? UnseenRate { get; init; }
    /// <summary>KS statistic (numeric).</summary>
    public double? Ks { get; init; }
    /// <summary>KS asymptotic p-value (numeric).</summary>
    public double? KsP { get; init; }
    /// <summary>Wasserstein-1 distance (numeric).</summary>
    public double? Wasserstein { get; init; }
    /// <summary>Wasserstein-1 over the reference standard deviation (numeric).</summary>
    public double? WassersteinNorm { get; init; }
    /// <summary>Population stability index.</summary>
    public double? Psi { get; init; }
    /// <summary>Chi-square statistic of homogeneity (categorical).</summary>
    public double? Chi2 { get; init; }
    /// <summary>Its p-value (categorical).</summary>
    public double? Chi2P { get; init; }
    /// <summary>Jensen–Shannon distance, base 2 (categorical).</summary>
    public double? Js { get; init; }
    /// <summary>Its permutation p-value (<see cref="CategoricalStatistics.JensenShannonPValue"/>; with more than
    /// <see cref="CategoricalStatistics.PermutationMaxValues"/> window values, the chi-square p-value) (categorical), computed
    /// where the verdict reads it: when the column's rule is on js_p, or its distance is above the threshold the default rule
    /// guards; otherwise null.</summary>
    public double? JsP { get; init; }
    /// <summary>The reference's and the window's counts over <see cref="Bins"/> (categorical), for the permutation test; not written out.</summary>
    internal (long[] Reference, long[] Current)? Counts { get; init; }
    /// <summary>The verdict rule applied, e.g. "js > 0.1"; null when no statistic could be computed.</summary>
    public string? Rule { get; init; }
    /// <summary>The value the rule read.</summary>
    public double? Score { get; init; }
    /// <summary>Whether the column drifted by its rule.</summary>
    public bool Drifted { get; init; }
    /// <summary>Window histogram: share per PSI bin (numeric) or per category (categorical), for the report.</summary>
    public IReadOnlyList<double>? Current { get; init; }
    /// <summary>Reference histogram over the same bins.</summary>
    public IReadOnlyList<double>? Reference { get; init; }
    /// <summary>Bin labels of <see cref="Current"/> and <see cref="Reference"/>.</summary>
    public IReadOnlyList<string>? Bins { get; init; }
}

/// <summary>The drift of one window: per column, schema findings, and the flat figures alert rules read.</summary>
public sealed record WindowDrift
{
    /// <summary>The window's label, e.g. "2001-03" or "rows 0–9999".</summary>
    public required string Window { get; init; }
    /// <summary>Start of the window (inclusive), when windows are by time.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>End of the window (exclusive), when windows are by time.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>Rows in the window.</summary>
    public long Rows { get; init; }
    /// <summary>Per-column results, inputs first.</summary>
    public IReadOnlyList<ColumnDrift> Columns { get; init; } = [];
    /// <summary>Schema changes found.</summary>
    public IReadOnlyList<SchemaFinding> Findings { get; init; } = [];
    /// <summary>Share of judged columns that drifted.</summary>
    public double DriftShare { get; init; }
    /// <summary>Every figure by name (<c>psi(col)</c>, <c>drift_share</c>, <c>rows</c>, <c>p99_ms</c>, …).</summary>
    public WindowFigures Figures { get; init; } = new();
}
