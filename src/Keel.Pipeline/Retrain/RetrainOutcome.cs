namespace Keel.Pipeline.Retrain;

/// <summary>What `keel retrain` asks for.</summary>
public sealed record RetrainRequest
{
    /// <summary>The spec retrained (the same pipeline as `keel run`).</summary>
    public required string SpecPath { get; init; }

    /// <summary>The champion, e.g. credit-risk@champion.</summary>
    public required string Model { get; init; }

    /// <summary>A policy file; null: the spec's retrain section. Default null.</summary>
    public string? PolicyPath { get; init; }

    /// <summary>Retrain even when no trigger fires. Default false.</summary>
    public bool Force { get; init; }

    /// <summary>A deployment to start with the new version as challenger; overrides the policy's. Default null.</summary>
    public string? Deployment { get; init; }

    /// <summary>Overrides the spec's seed. Default null.</summary>
    public int? Seed { get; init; }
}

/// <summary>One trigger's verdict: its name, whether it fired, and why.</summary>
public sealed record TriggerCheck(string Trigger, bool Fired, string Detail);

/// <summary>Challenger against champion on the held-out comparison rows.</summary>
/// <param name="Metric">The compared metric.</param>
/// <param name="Challenger">Challenger's value.</param>
/// <param name="Champion">Champion's value.</param>
/// <param name="Improvement">Challenger's gain in the metric's direction (positive is better).</param>
/// <param name="Test">delong, mcnemar_exact, mcnemar_chi2_cc or paired_bootstrap.</param>
/// <param name="PValue">Two-sided p-value of the difference.</param>
/// <param name="Margin">The least improvement the policy asks.</param>
/// <param name="Alpha">The policy's significance level.</param>
/// <param name="Rows">Comparison rows.</param>
/// <param name="Promoted">Whether the challenger passed (improvement ≥ margin, improvement &gt; 0 and p &lt; alpha).</param>
public sealed record ChallengerComparison(string Metric, double Challenger, double Champion, double Improvement, string Test, double PValue,
    double Margin, double Alpha, int Rows, bool Promoted)
{
    /// <summary>Held-out rows left out of the comparison (not counted in <see cref="Rows"/>) because they equal a row the champion was
    /// fitted on (its source run's training rows, and validation rows when it was refitted on them): its figure there would be
    /// optimistic. Null when that run's data file cannot be read again.</summary>
    public int? SeenByChampion { get; init; }
}

/// <summary>The result of `keel retrain`.</summary>
/// <param name="Model">The champion as named.</param>
/// <param name="ParentVersion">The champion's version (the lineage parent).</param>
/// <param name="Triggers">Every configured trigger's verdict (a single "manual" or "forced" entry when none decided).</param>
/// <param name="Retrained">Whether a retraining ran.</param>
/// <param name="Window">The data window and comparison set in words, or null when not retrained.</param>
/// <param name="RunId">The tracked run, or null.</param>
/// <param name="Comparison">The comparison, or null when not retrained or gates failed first.</param>
/// <param name="Registered">The new version and alias, or null.</param>
/// <param name="Deployment">What was done to the deployment, or null.</param>
/// <param name="Message">The verdict in one line, e.g. "not promoted: challenger auc 0.712 vs champion 0.715, p=0.41".</param>
public sealed record RetrainOutcome(string Model, int ParentVersion, IReadOnlyList<TriggerCheck> Triggers, bool Retrained, string? Window,
    string? RunId, ChallengerComparison? Comparison, RegisteredOut? Registered, string? Deployment, string Message);
