namespace Keel.Reports;

/// <summary>Everything the HTML report of one <c>keel run</c> shows, as plain data.</summary>
public sealed record ReportModel
{
    /// <summary>Document title, e.g. "credit_data — run 3f2a9c…".</summary>
    public required string Title { get; init; }

    /// <summary>Run identity, provenance and environment.</summary>
    public required RunSummary Run { get; init; }

    /// <summary>The data set, its split and its profile.</summary>
    public required DataSummary Data { get; init; }

    /// <summary>What the data checks found before and after training (integrity, data.contract, leakage). Default: none,
    /// and the section says so.</summary>
    public IReadOnlyList<FindingView> Findings { get; init; } = [];

    /// <summary>Whether the data checks ran; false leaves the data-checks section out. Default false.</summary>
    public bool ChecksRan { get; init; }

    /// <summary>The registered model's featurizer, column by column. Default: none, and the section is left out.</summary>
    public IReadOnlyList<FeatureView> Features { get; init; } = [];

    /// <summary>Leaderboard rows, baselines included, in spec order (the report sorts them; equal values keep this order).
    /// Each shows the candidate as trained on the train split.</summary>
    public required IReadOnlyList<CandidateResult> Candidates { get; init; }

    /// <summary>The registered model when it is not one of <see cref="Candidates"/> (the selected one refitted on train + validation),
    /// shown as its own row and section; its name says so, e.g. "final (refit)". Default null.</summary>
    public CandidateResult? Final { get; init; }

    /// <summary>Name of the metric candidates were ranked by (a key of the validation metrics).</summary>
    public required string SelectionMetric { get; init; }

    /// <summary>Whether a higher selection metric is better. Default false (lower is better).</summary>
    public bool SelectionHigherIsBetter { get; init; }

    /// <summary>Name of the selected candidate; null when none was selected.</summary>
    public string? Selected { get; init; }

    /// <summary>What the selection metric was judged on, e.g. "validation" or "5-fold cv (stratified) mean". Default "validation".</summary>
    public string SelectionBasis { get; init; } = "validation";

    /// <summary>Why the selection was made on that basis (the spec asked, or the default rule's verdict); null when not recorded. Default null.</summary>
    public string? SelectionReason { get; init; }

    /// <summary>Candidates within noise of the best (best first), when the noise-tie rule found a tie; default empty.</summary>
    public IReadOnlyList<string> WithinNoise { get; init; } = [];

    /// <summary>What the noise-tie rule found and why the selected candidate, or null when it did not apply. Default null.</summary>
    public string? TieRule { get; init; }

    /// <summary>Promotion gates and their outcome. Default empty.</summary>
    public IReadOnlyList<GateView> Gates { get; init; } = [];

    /// <summary>The selected model's evaluation beyond averages. Default null: not shown.</summary>
    public EvaluationView? Evaluation { get; init; }

    /// <summary>Registration outcome, e.g. "credit_data v3 (alias champion)", or why nothing was registered.</summary>
    public string? Registered { get; init; }

    /// <summary>The final run of a search: the search it comes from, linked from the header. Default null.</summary>
    public SearchLink? Search { get; init; }
}

/// <summary>Identity and provenance of the run.</summary>
public sealed record RunSummary(
    string RunId,
    string Experiment,
    string Task,
    string StartedAt,
    string? GitCommit,
    bool? GitDirty,
    int Seed,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>One promotion gate: its name, whether it passed, and a human-readable detail.</summary>
public sealed record GateView(string Gate, bool Passed, string Detail);

/// <summary>The search a run is the final run of.</summary>
/// <param name="RunId">The search run's id.</param>
/// <param name="Study">The study's name.</param>
/// <param name="Report">The search report's path (the link is made relative to the run's own report).</param>
public sealed record SearchLink(string RunId, string Study, string Report);
