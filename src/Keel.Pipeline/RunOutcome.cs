using System.Text.Json.Serialization;
using Keel.Evaluation;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>What one candidate did: timings, size, and metrics on validation (for choosing) and test (for reporting).</summary>
public sealed record CandidateOutcome(
    string Name,
    string Type,
    bool Baseline,
    IReadOnlyDictionary<string, string> Params,
    double TrainSeconds,
    double PredictUsPerRow,
    long ModelBytes,
    IReadOnlyDictionary<string, double> ValidationMetrics,
    IReadOnlyDictionary<string, double> TestMetrics)
{
    [JsonIgnore] public Keel.Evaluation.Evaluation TestEvaluation { get; init; } = null!;
    [JsonIgnore] public LossCurve? LossCurve { get; init; }

    /// <summary>Boosted candidates stopped early on validation: the round kept (also logged as CANDIDATE.best_iteration).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? BestIteration { get; init; }
    [JsonIgnore] public byte[] ModelFile { get; init; } = null!;
    [JsonIgnore] public IFittedModel Model { get; init; } = null!;
    [JsonIgnore] public Keel.Core.Models.Predictions TestPredictions { get; init; } = null!;

    /// <summary>With split.selection cv: the candidate's fold metrics, mean and spread (its <see cref="ValidationMetrics"/> are the means); else null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CrossValidation? CrossValidation { get; init; }
}

/// <summary>The model that is registered: the selected candidate, refitted on train + validation when split.refit is on.</summary>
public sealed record FinalModel(string Candidate, bool Refit, int TrainRows, IReadOnlyDictionary<string, double> TestMetrics, long ModelBytes, double TrainSeconds, double PredictUsPerRow)
{
    /// <summary>How the console and the report label a refitted registered model, beside the candidates' own rows.</summary>
    public const string RefitLabel = "final (refit)";
}

/// <summary>How the candidate was chosen: the selection mode and folds, the best by the metric, those within noise of it, and the chosen one.</summary>
/// <param name="Mode">cv or validation.</param>
/// <param name="Folds">Number of cross-validation folds; 0 with validation.</param>
/// <param name="FoldKind">stratified, grouped, forward or random with cv; null otherwise.</param>
/// <param name="Reason">Why this mode (asked for in the spec, or the default rule).</param>
/// <param name="Best">The best candidate by the metric (cv: fold mean).</param>
/// <param name="Selected">The chosen candidate: the best, or the simplest of those tied with it within noise.</param>
/// <param name="WithinNoise">The candidates within noise of the best, best first (cv only); empty when none ties.</param>
/// <param name="TieRule">What the noise-tie rule found, or null when it did not apply.</param>
public sealed record SelectionOut(string Mode, int Folds, string? FoldKind, string Reason, string Best, string Selected, IReadOnlyList<string> WithinNoise, string? TieRule);

public sealed record SplitSizes(string Strategy, int Train, int Validation, int Test);

public sealed record DataSummaryOut(string Path, string Format, string Sha256, int Rows, int Columns, int DroppedMissingLabel, string Label);

public sealed record RegisteredOut(string Name, int Version, string? Alias);

/// <summary>The result of <c>keel run</c>; also what <c>--json</c> prints.</summary>
public sealed record RunOutcome(
    string RunId,
    string Experiment,
    string Task,
    DataSummaryOut Data,
    SplitSizes Split,
    string SelectionMetric,
    IReadOnlyList<CandidateOutcome> Candidates,
    string Selected,
    FinalModel Final,
    IReadOnlyList<GateResult> Gates,
    RegisteredOut? Registered,
    string? NotRegisteredReason,
    string ReportPath)
{
    /// <summary>Every model's test evaluation (intervals; the selected model's also significance, calibration, slices, fairness, conformal), by name.</summary>
    public IReadOnlyDictionary<string, TestReport> Evaluations { get; init; } = new Dictionary<string, TestReport>();

    /// <summary>What the data checks found: integrity, data.contract and leakage findings (rows are 0-based data-file rows).</summary>
    public DataChecks Checks { get; init; } = DataChecks.None;

    /// <summary>How the candidate was chosen (selection mode, folds, noise ties). Default: validation, nothing tied.</summary>
    public SelectionOut Selection { get; init; } = new("validation", 0, null, "", "", "", [], null);

    /// <summary>The rows data.sample drew (strategy, sizes, seed, per class), or null when the run used every row.</summary>
    public Keel.Data.Sampling.SampleOutcome? Sample { get; init; }

    /// <summary>What the registered model's featurizer does per input column (transforms, outputs, fitted statistics); empty
    /// for models without one (baselines, rules).</summary>
    public IReadOnlyList<Keel.Training.Featurization.FeatureDescription> Features { get; init; } = [];
}
