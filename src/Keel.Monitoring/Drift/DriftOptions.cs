namespace Keel.Monitoring.Drift;

/// <summary>A per-column verdict rule: drifted when <see cref="Statistic"/> crosses <see cref="Threshold"/>
/// (below it for p-values <c>ks_p</c>, <c>chi2_p</c>, <c>js_p</c>; above it for <c>ks</c>, <c>wasserstein</c>, <c>wasserstein_norm</c>,
/// <c>psi</c>, <c>js</c>, <c>unseen_rate</c>, <c>missing_rate</c>, <c>out_of_range_rate</c>), and, with <see cref="And"/>, that rule
/// holds too.</summary>
/// <param name="Statistic">The statistic read.</param>
/// <param name="Threshold">The threshold it crosses.</param>
/// <param name="And">A second rule that must also hold (the default rules' test: the distance is more than the window's noise), or null.</param>
public sealed record ColumnRule(string Statistic, double Threshold, ColumnRule? And = null)
{
    /// <summary>The statistics a rule may name.</summary>
    public static readonly IReadOnlySet<string> Statistics = new HashSet<string>(StringComparer.Ordinal)
        { "ks", "ks_p", "wasserstein", "wasserstein_norm", "psi", "js", "js_p", "chi2_p", "unseen_rate", "missing_rate", "out_of_range_rate" };

    /// <summary>Whether smaller values mean more drift (p-values).</summary>
    public bool LowerIsDrift => Statistic is "ks_p" or "chi2_p" or "js_p";

    /// <summary>The rule as text, e.g. "psi > 0.2" or "js &gt; 0.1 and js_p &lt; 0.05".</summary>
    public override string ToString() =>
        $"{Statistic} {(LowerIsDrift ? "<" : ">")} {Threshold.ToString("G", System.Globalization.CultureInfo.InvariantCulture)}{(And is null ? "" : $" and {And}")}";

    /// <summary>Whether <paramref name="value"/> of <see cref="Statistic"/> crosses the threshold (this rule alone, not <see cref="And"/>).</summary>
    public bool Crossed(double value) => LowerIsDrift ? value < Threshold : value > Threshold;
}

/// <summary>
/// The verdict rule. A window with fewer than <see cref="SmallWindowRows"/> non-missing values in a column is judged by a
/// test (KS p-value for numbers, the Jensen–Shannon distance's permutation p-value for categories, below <see cref="PValue"/>); a larger one by a distance
/// that estimates a property of the two distributions and so does not shrink as the window grows (Wasserstein distance
/// divided by the reference's standard deviation above <see cref="WassersteinNorm"/>; Jensen–Shannon distance above
/// <see cref="JensenShannon"/>), when a test also finds the difference beyond the window's noise (KS for numbers; for
/// categories the distance's own permutation test, which holds its level with sparse categories where the chi-square
/// approximation does not). A p-value alone would flag every column of a million-row window; a distance alone is noise on
/// fifty rows, and on a few thousand rows of a column of hundreds of categories (two samples of one distribution read a
/// Jensen–Shannon distance of about 0.2 at 1,000 rows and 300 categories), so the test guards it. <see cref="Overrides"/>
/// replace the rule per column.
/// </summary>
public sealed record DriftOptions
{
    /// <summary>Below this many non-missing values a column is judged by a p-value. Default 1,000 (as Evidently).</summary>
    public int SmallWindowRows { get; init; } = 1000;
    /// <summary>Significance level of the small-window tests. Default 0.05.</summary>
    public double PValue { get; init; } = 0.05;
    /// <summary>Wasserstein-1 over the reference standard deviation above which a numeric column drifted. Default 0.1.</summary>
    public double WassersteinNorm { get; init; } = 0.1;
    /// <summary>Jensen–Shannon distance (base 2) above which a categorical column drifted. Default 0.1.</summary>
    public double JensenShannon { get; init; } = 0.1;
    /// <summary>Per-column rules that replace the default one. Default none.</summary>
    public IReadOnlyDictionary<string, ColumnRule> Overrides { get; init; } = new Dictionary<string, ColumnRule>();

    /// <summary>The rule for a column given its kind and the window's non-missing values.</summary>
    public ColumnRule RuleFor(string column, Reference.ColumnKind kind, long windowValues)
    {
        if (Overrides.TryGetValue(column, out var rule)) return rule;
        var small = windowValues < SmallWindowRows;
        if (kind == Reference.ColumnKind.Numeric)
            return small ? new ColumnRule("ks_p", PValue) : new ColumnRule("wasserstein_norm", WassersteinNorm, new ColumnRule("ks_p", PValue));
        return small ? new ColumnRule("js_p", PValue) : new ColumnRule("js", JensenShannon, new ColumnRule("js_p", PValue));
    }
}
