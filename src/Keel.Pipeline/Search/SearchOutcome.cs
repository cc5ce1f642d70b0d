using System.Text.Json.Serialization;

namespace Keel.Pipeline.Search;

/// <summary>Progress of a search as this process sees it: the trial one of its workers just ended, and where the whole study stands
/// then (every worker and process that shares it counts, as Optuna's "Best is trial N" does).</summary>
/// <param name="Phase">"start" (before the first trial), "trials" (a trial ended) or "final" (the final run: once as it begins, then
/// once per finished step with <see cref="Step"/> set).</param>
/// <param name="Ended">Trials of the study ended so far (complete, pruned or failed), by any worker or process.</param>
/// <param name="Planned">The study's planned trials, or null without a trial limit.</param>
/// <param name="Best">The study's best complete value so far, or null before any completed.</param>
/// <param name="Last">Phase "trials": the trial that just ended.</param>
/// <param name="Plan">Phase "start" only: the plan the search runs, as resumed (a resumed study keeps its trials' scoring).</param>
public sealed record SearchProgress(string Phase, int Ended, int? Planned, double? Best, TrialEnd? Last, SearchPlan? Plan = null)
{
    /// <summary>The trial that holds <see cref="Best"/>; null before any completed.</summary>
    public int? BestTrial { get; init; }

    /// <summary>Phase "final": the step of the final run that just finished (as `keel run` names its steps: "train lightgbm",
    /// "refit", "evaluate", ...); null as the final run begins.</summary>
    public string? Step { get; init; }
}

/// <summary>One trial as stored, for the report and the JSON output.</summary>
public sealed record TrialSummary(int Number, string Family, string State, double? Value, int Attempt, int Rounds, double Seconds,
    IReadOnlyDictionary<string, string> Options, string? RunId);

/// <summary>What one family received and reached: its share of the budget (trials, boosting rounds, seconds) and its best trial.</summary>
public sealed record FamilyBudget(string Family, int Trials, int Complete, int Pruned, int Failed, long Rounds, double Seconds, double? Best, int? BestTrial);

/// <summary>How much of the spread of a family's trial values goes with one parameter (ε², see <see cref="ParameterImportance"/>); shares sum to 1 per family.</summary>
public sealed record ParamImportance(string Family, string Param, double Share);

/// <summary>The result of `keel search`: the study, every trial, the budget per family, parameter importance and the final run.</summary>
public sealed record SearchOutcome(string Study, string SearchRunId, string Metric, bool HigherIsBetter, int? Planned, bool Complete,
    IReadOnlyList<TrialSummary> Trials, IReadOnlyList<FamilyBudget> Budgets, IReadOnlyList<ParamImportance> Importance, string ReportPath)
{
    /// <summary>The `keel run`-style run that trained the best trial of each family, chose (cv when affordable) and registered; null when no trial completed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RunOutcome? Final { get; init; }

    /// <summary>With search.objectives: the complete trials no other complete trial dominates, in trial order; null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<ParetoPoint>? ParetoFront { get; init; }

    /// <summary>With search.objectives: every complete trial's value per objective, the front among them, for the report's chart
    /// (not in `--json`, which keeps the front); null otherwise.</summary>
    [JsonIgnore] public IReadOnlyList<ParetoPoint>? ObjectivePoints { get; init; }

    /// <summary>Each trial's reported loss per round, for the report's intermediate-values chart (not in `--json`).</summary>
    [JsonIgnore] public IReadOnlyList<TrialCurve> Curves { get; init; } = [];
}

/// <summary>A trial on the Pareto front: its number, family and value per objective (latency in µs per row, size in bytes).</summary>
public sealed record ParetoPoint(int Trial, string Family, IReadOnlyDictionary<string, double> Objectives);

/// <summary>The result of `keel search --join`: the trials this process ran.</summary>
public sealed record JoinOutcome(string Study, IReadOnlyList<TrialEnd> Ran);
