using System.Globalization;
using Keel.Core;
using Keel.Core.Metrics;
using Keel.Core.Search;
using Keel.Core.Spec;
using Keel.Search;

namespace Keel.Pipeline.Search;

/// <summary>A study as `keel studies` and the web UI show it: what it searches, how far it got, its best trial and its trials.</summary>
/// <param name="Name">The study's name (what `keel search --join` takes).</param>
/// <param name="Families">The candidate families it searches.</param>
/// <param name="PlannedTrials">Trials planned in all; null with only a time budget.</param>
/// <param name="Metric">The objective's metric; null for a study keel search did not define.</param>
/// <param name="HigherIsBetter">The objective's direction; null when the metric is unknown.</param>
/// <param name="Scoring">How trials are scored ("validation" or "K-fold cv"); null when the definition does not say.</param>
/// <param name="SpecPath">The spec the study was created from; null for a study keel search did not define.</param>
/// <param name="CreatedAt">When the study was created.</param>
/// <param name="SearchRunId">The tracked search run its trials are children of; null before one started.</param>
/// <param name="Counts">Trials per state.</param>
/// <param name="Best">The best complete trial by the objective; null before one completed (or without a direction).</param>
/// <param name="Trials">Every trial, by number.</param>
public sealed record StudyOverview(string Name, IReadOnlyList<string> Families, int? PlannedTrials, string? Metric, bool? HigherIsBetter,
    string? Scoring, string? SpecPath, DateTimeOffset CreatedAt, string? SearchRunId, TrialCounts Counts, StudyTrial? Best,
    IReadOnlyList<StudyTrial> Trials)
{
    /// <summary>The objectives of a multi-objective search (search.objectives, with directions); empty otherwise, and for a study whose
    /// definition predates their recording.</summary>
    public IReadOnlyList<Objective> Objectives { get; init; } = [];

    /// <summary>The study's sampler as its definition names it, with nsga2's population (e.g. "nsga2 (population 10)"); null for a
    /// study keel search did not define.</summary>
    public string? Sampler { get; init; }

    /// <summary>The study's pruner (median, asha, hyperband or none); null for a study keel search did not define.</summary>
    public string? Pruner { get; init; }

    /// <summary>Each family's search space as the definition describes it (for charts over the parameters; not in `--json`); empty
    /// for a study keel search did not define.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SearchSpace> Spaces { get; init; } = new Dictionary<string, SearchSpace>();
}

/// <summary>How many trials are in each state; <see cref="Waiting"/> are planned but not yet claimed.</summary>
public sealed record TrialCounts(int Complete, int Pruned, int Failed, int Running, int? Waiting);

/// <summary>One trial as a person reads it: its parameters as the trainer options it ran with (a categorical choice by name, an
/// integer as an integer), the last round it reported, and where its worker and tracked run are. Stale: it is running but its worker
/// has been silent longer than the study's stale_after (killed, or its machine lost), so the next claim (`keel search SPEC` or
/// `--join`) marks it failed and retries or skips it by the study's policy.</summary>
public sealed record StudyTrial(int Number, string Family, string State, double? Value, int Attempt, int Rounds,
    IReadOnlyDictionary<string, string> Params, string? Worker, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? HeartbeatAt,
    string? RunId, string? Error, bool Stale)
{
    /// <summary>Whether search.enqueue gave this trial options (the rest were sampled), or search.start_from_defaults its family's defaults.</summary>
    public bool Enqueued { get; init; }

    /// <summary>Whether search.start_from_defaults gave this trial its family's defaults (it is <see cref="Enqueued"/> too).</summary>
    public bool Defaults { get; init; }

    /// <summary>A complete trial's value per objective of a multi-objective study, in search.objectives' order, as the study keeps
    /// them for the sampler; absent otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>The trial's NSGA-II generation in a study searched by sampler: nsga2 (0 is the random first one; Optuna's
    /// nsga2:generation); absent for the other samplers.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? Generation { get; init; }
}

/// <summary>Reads studies from the study store into <see cref="StudyOverview"/>s: the one reading shared by the CLI and the web UI.</summary>
public static class StudyOverviews
{
    /// <summary>Every study, oldest first, as of <paramref name="now"/> (which running trials are stale).</summary>
    public static async Task<IReadOnlyList<StudyOverview>> ListAsync(IStudyStore store, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = new List<StudyOverview>();
        foreach (var study in await store.ListStudiesAsync(ct)) result.Add(From(study, await store.ListTrialsAsync(study.Name, ct), now));
        return result;
    }

    /// <summary>One study by name, as of <paramref name="now"/> (which running trials are stale).</summary>
    /// <exception cref="KeelNotFoundException">No study has that name.</exception>
    public static async Task<StudyOverview> GetAsync(IStudyStore store, string name, DateTimeOffset now, CancellationToken ct = default)
    {
        var study = await RequireAsync(store, name, ct);
        return From(study, await store.ListTrialsAsync(name, ct), now);
    }

    /// <summary>The stored study called <paramref name="name"/>.</summary>
    /// <exception cref="KeelNotFoundException">No study has that name.</exception>
    public static async Task<StudyRecord> RequireAsync(IStudyStore store, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.GetStudyAsync(name, ct) ?? throw new KeelNotFoundException($"study '{name}' does not exist; `keel studies list` shows the studies");
    }

    /// <summary>Deletes <paramref name="study"/> and its trials unless a live worker holds one (silent for less than the study's
    /// stale_after at <paramref name="now"/>); returns how many trials went.</summary>
    /// <exception cref="KeelInputException">A live worker holds a trial; nothing is deleted.</exception>
    public static Task<int> DeleteAsync(IStudyStore store, StudyRecord study, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(study);
        return store.DeleteStudyAsync(study.Name, now, StaleAfter(SearchPlan.TryRead(study)), ct);
    }

    /// <summary>The spaces of a study written by keel search, read back from its definition; empty for another study.</summary>
    private static Dictionary<string, SearchSpace> Spaces(SearchPlan.Definition? definition)
    {
        var spaces = new Dictionary<string, SearchSpace>(StringComparer.Ordinal);
        foreach (var (family, described) in definition?.Spaces ?? new Dictionary<string, string>())
        {
            try
            {
                spaces[family] = SearchSpaces.Parse(described);
            }
            catch (FormatException)
            {
                // A definition from another version of Keel: its trials show their raw values.
            }
        }
        return spaces;
    }

    /// <summary>How long a worker may be silent before its trial is stale: the study's search.stale_after, or the search section's
    /// default for a study whose definition does not say.</summary>
    private static TimeSpan StaleAfter(SearchPlan.Definition? definition) =>
        definition is { StaleAfterSeconds: > 0 } d ? TimeSpan.FromSeconds(d.StaleAfterSeconds) : new SearchSpec().StaleAfter;

    /// <summary>The overview of <paramref name="study"/> and its trials (as the study store lists them), as of <paramref name="now"/>.</summary>
    public static StudyOverview From(StudyRecord study, IReadOnlyList<TrialRecord> records, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(records);
        var definition = SearchPlan.TryRead(study);
        var spaces = Spaces(definition);
        bool? higher = definition?.Metric is { } m && MetricCatalog.All.TryGetValue(m, out var info) ? info.HigherIsBetter : null;
        var enqueued = definition?.Enqueued?.ToHashSet() ?? [];
        var defaults = definition?.Defaults?.ToHashSet() ?? [];
        var objectives = ParetoPoints.Objectives(definition?.Objectives ?? []);
        var generations = definition?.Sampler == "nsga2" && higher is { } up ? Generations(records, definition.Population ?? SearchPlan.Nsga2DefaultPopulation,
            objectives.Count > 1 ? objectives.Select(o => o.Direction).ToArray() : [new Objective(definition.Metric!, up).Direction]) : null;
        var trials = records.OrderBy(t => t.Number)
            .Select(t => Trial(t, spaces.GetValueOrDefault(t.Group), now - StaleAfter(definition)) with
            {
                Enqueued = enqueued.Contains(t.Number),
                Defaults = defaults.Contains(t.Number),
                Generation = generations?.GetValueOrDefault(t.Number),
            }).ToArray();
        var complete = trials.Where(t => t.State == "complete" && t.Value is { } v && double.IsFinite(v)).ToArray();
        var best = complete.Length == 0 || higher is null ? null : higher.Value ? complete.MaxBy(t => t.Value) : complete.MinBy(t => t.Value);
        int Count(TrialState s) => records.Count(t => t.State == s);
        var counts = new TrialCounts(Count(TrialState.Complete), Count(TrialState.Pruned), Count(TrialState.Failed), Count(TrialState.Running),
            study.PlannedTrials is { } planned ? Math.Max(0, planned - records.Count) : null);
        return new StudyOverview(study.Name, study.Groups, study.PlannedTrials, definition?.Metric, higher, definition?.Scoring, definition?.SpecPath,
            study.CreatedAt, study.SearchRunId, counts, best, trials)
        {
            Objectives = objectives,
            Spaces = spaces,
            Sampler = definition?.Sampler is { } sampler ? SearchPlan.DescribeSampler(sampler, definition.Population, definition.ConstantLiar) : null,
            Pruner = definition?.Pruner,
        };
    }

    /// <summary>Each trial's NSGA-II generation, family by family.</summary>
    private static Dictionary<int, int> Generations(IReadOnlyList<TrialRecord> records, int population, Direction[] directions) =>
        records.GroupBy(t => t.Group).SelectMany(g => SamplerFactory.Nsga2Generations(g, population, directions)).ToDictionary(kv => kv.Key, kv => kv.Value);

    private static StudyTrial Trial(TrialRecord t, SearchSpace? space, DateTimeOffset silentSince)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in t.Params)
        {
            var p = space?.Params.FirstOrDefault(q => q.Name == name);
            // Parsed range ends are rounded, so only a categorical index must be in range to be named.
            options[name] = p is not null && (p.Distribution is not CategoricalDistribution || p.Distribution.Contains(value))
                ? p.Distribution.Format(value) : value.ToString("G6", CultureInfo.InvariantCulture);
        }
        var rounds = t.Intermediate.Count == 0 ? 0 : t.Intermediate.Keys.Max();
        return new StudyTrial(t.Number, t.Group, t.State.ToString().ToLowerInvariant(), t.Value, t.Attempt, rounds, options, t.Worker, t.StartedAt,
            t.EndedAt, t.HeartbeatAt, t.RunId, t.Error, t.State == TrialState.Running && (t.HeartbeatAt ?? t.StartedAt) < silentSince)
        {
            Values = t.Values,
        };
    }
}
