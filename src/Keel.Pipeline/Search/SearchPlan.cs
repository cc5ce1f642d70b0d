using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keel.Core;
using Keel.Pipeline.Spec;
using Keel.Core.Metrics;
using Keel.Core.Search;
using Keel.Core.Spec;
using Keel.Search;
using Keel.Search.Pruners;
using Keel.Search.Samplers;

namespace Keel.Pipeline.Search;

/// <summary>What one `keel search` asks for on the command line, over the spec's search section.</summary>
public sealed record SearchRequest
{
    /// <summary>Worker tasks in this process, each training one trial at a time. Default 1.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Trials in all, replacing search.trials. Default null: the spec's.</summary>
    public int? Trials { get; init; }

    /// <summary>This process's wall-clock budget, replacing search.timeout. Default null: the spec's.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>A search resolved from the spec: study name, families and their spaces, sampler, pruner, budget and the objective.</summary>
public sealed record SearchPlan(string Study, IReadOnlyList<string> Families, IReadOnlyDictionary<string, SearchSpace> Spaces, string Sampler,
    string Pruner, int Seed, int? PlannedTrials, TimeSpan? Timeout, string Metric, bool HigherIsBetter, StalePolicy Stale, TimeSpan StaleAfter,
    string SpecPath, string SpecSha256)
{
    /// <summary>The objectives of a multi-objective search (search.objectives), directions inferred; empty for a single-objective search.</summary>
    public IReadOnlyList<Objective> Objectives { get; init; } = [];

    /// <summary>How every trial is scored: "validation" (fitted on train, scored on the validation split) or "K-fold cv" (the mean over
    /// the run's selection folds), as the run's split.selection decides (docs/search.md). Default "validation".</summary>
    public string Scoring { get; init; } = "validation";

    /// <summary>Per searched family, the options the spec's model of that type fixes (every trial trains with them; they are not in
    /// its space). Default empty.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> FixedOptions { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Types of the spec's models left out of the search because their options fix their whole default space (they compete
    /// in the final run untuned). Default empty.</summary>
    public IReadOnlyList<string> NothingToSearch { get; init; } = [];

    /// <summary>search.enqueue by trial number: the internal values each enqueued trial is given (the k-th of a family is its k-th
    /// trial, number = the family's index + k × families). Default none.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, double>> Enqueued { get; init; } = new Dictionary<int, IReadOnlyDictionary<string, double>>();

    /// <summary>The trials of <see cref="Enqueued"/> that search.start_from_defaults added: each family's first, with its defaults. Default none.</summary>
    public IReadOnlySet<int> Defaults { get; init; } = new HashSet<int>();

    /// <summary>The nsga2 sampler's generation size when the spec gives none: Optuna's.</summary>
    public const int Nsga2DefaultPopulation = 50;

    /// <summary>The nsga2 sampler's generation size (search.population); null for the other samplers.</summary>
    public int? Population { get; init; }

    /// <summary>Whether the tpe samplers lie about running trials (search.constant_liar); null for the other samplers.</summary>
    public bool? ConstantLiar { get; init; }

    /// <summary>search.constant_liar when the spec gives none: on for tpe, where it helped several workers on most bench objectives, off
    /// for tpe-multivariate, where it did not (bench/results.md, "Constant liar"); null for the samplers without it.</summary>
    public static bool? DefaultConstantLiar(string sampler) => sampler switch { "tpe" => true, "tpe-multivariate" => false, _ => null };

    /// <summary>The pruner's options (search.pruner given as a mapping); null for its defaults.</summary>
    public PrunerOptionsSpec? PrunerOptions { get; init; }

    /// <summary>The pruner as shown to people and kept in the study definition: its name, with the options that differ from its
    /// defaults, e.g. "percentile 25", "threshold (loss above 0.69)" or "patient 10 (min_delta 0.001), wrapping median".</summary>
    public string PrunerText => DescribePruner(Pruner, PrunerOptions);

    /// <summary>See <see cref="PrunerText"/>.</summary>
    public static string DescribePruner(string pruner, PrunerOptionsSpec? o)
    {
        if (o is null) return pruner;
        static string N(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var details = new List<string>();
        if (o.Warmup is { } w) details.Add($"warmup {w}");
        if (o.Startup is { } s) details.Add($"startup {s}");
        if (o.Lower is { } lo) details.Add($"loss below {N(lo)}");
        if (o.Upper is { } up) details.Add($"loss above {N(up)}");
        if (o.MinDelta is { } d) details.Add($"min_delta {N(d)}");
        var head = pruner switch
        {
            "percentile" => $"percentile {N(o.Percentile!.Value)}",
            "patient" => $"patient {o.Patience}",
            _ => pruner,
        };
        var text = details.Count == 0 ? head : $"{head} ({string.Join(", ", details)})";
        return o.Wrapped is "median" ? $"{text}, wrapping median" : text;
    }

    /// <summary>The sampler as shown to people: its name, with nsga2's population or tpe's constant liar.</summary>
    public string SamplerText => DescribeSampler(Sampler, Population, ConstantLiar);

    /// <summary>A sampler's name as shown to people, with nsga2's population or the constant liar, e.g. "nsga2 (population 10)" or
    /// "tpe (constant liar)".</summary>
    public static string DescribeSampler(string sampler, int? population, bool? constantLiar = null) =>
        population is { } p ? $"{sampler} (population {p})" : constantLiar == true ? $"{sampler} (constant liar)" : sampler;

    /// <summary>Objective names: a metric of the run's task, latency or size.</summary>
    private static Objective[] ParseObjectives(IReadOnlyList<string> names, PreparedRun run, string specName)
    {
        var result = new List<Objective>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            var objective = name switch
            {
                "latency" => new Objective(name, false),
                "size" => new Objective(name, false),
                _ when MetricCatalog.All.TryGetValue(name, out var m) && m.Tasks.Contains(run.Task) => new Objective(name, m.HigherIsBetter),
                _ => throw new KeelInputException($"{specName} field 'search.objectives[{i}]': unknown objective '{name}'; expected latency, size or a metric of a {RunPreparation.Lower(run.Task)} task: " +
                    string.Join(", ", MetricCatalog.All.Values.Where(m => m.Tasks.Contains(run.Task)).Select(m => m.Name)) + "."),
            };
            if (result.Any(o => o.Name == name)) throw new KeelInputException($"{specName} field 'search.objectives[{i}]': '{name}' is listed twice.");
            result.Add(objective);
        }
        return [.. result];
    }

    /// <summary>Trials run per family when neither trials nor a timeout is given.</summary>
    public const int DefaultTrialsPerFamily = 20;

    /// <summary>The plan of a prepared run, with the command line's overrides.</summary>
    /// <exception cref="KeelInputException">A bad search section, or no validation split to score trials on.</exception>
    public static SearchPlan From(PreparedRun run, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(request);
        var specName = Path.GetFileName(run.SpecPath);
        var search = run.Spec.Search ?? new SearchSpec();
        if (run.Split.Validation.Length == 0 && run.Selection.Mode != SelectionMode.Cv)
            throw new KeelInputException($"{specName} field 'split.validation_fraction': the validation split is empty, but search scores every trial on it (the test split is never used for choosing).");
        if (request.Workers < 1) throw new KeelInputException($"--workers {request.Workers}: expected at least 1");
        var candidates = SearchSpaces.Families(run, specName);
        var fixedOptions = candidates.ToDictionary(f => f, f => TrialRunner.SpecOptions(run.Spec, f), StringComparer.Ordinal);
        var spaces = candidates.ToDictionary(f => f, f => SearchSpaces.For(f, search, specName, SearchSpaces.ForData(f, run), fixedOptions[f]),
            StringComparer.Ordinal);
        var (families, nothingToSearch) = WithSomethingToSearch(candidates, spaces, search, specName);
        foreach (var family in search.Spaces.Keys.Where(k => !families.Contains(k)))
            throw new KeelInputException($"{specName} field 'search.spaces.{family}': '{family}' is not searched; the families are {string.Join(", ", families)}.");
        foreach (var family in families) CheckBounds(run, family, spaces[family], specName);
        var timeout = request.Timeout ?? search.Timeout;
        var trials = request.Trials ?? search.Trials ?? (timeout is null ? DefaultTrialsPerFamily * families.Count : null);
        if (trials is < 1) throw new KeelInputException($"--trials {trials}: expected at least 1");
        var study = search.Study ?? $"{run.Experiment}-search";
        Names.RequireExperimentName(study, $"{specName} field 'search.study'");
        if (search.StaleAfter < TimeSpan.FromSeconds(1)) throw new KeelInputException($"{specName} field 'search.stale_after': expected at least 1 second.");
        var objectives = ParseObjectives(search.Objectives, run, specName);
        var enqueued = EnqueuedTrials.Given(search, families, spaces, fixedOptions, trials, specName);
        var defaults = search.StartFromDefaults && search.Sampler != "grid" ? EnqueuedTrials.AddDefaults(run, families, spaces, trials, enqueued) : [];
        return new SearchPlan(study, families, spaces, search.Sampler, search.Pruner, search.Seed ?? run.Seed, trials, timeout, run.Metric,
            MetricCatalog.Get(run.Metric).HigherIsBetter, search.Stale == "skip" ? StalePolicy.Skip : StalePolicy.Retry, search.StaleAfter,
            run.SpecPath, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(run.SpecText))))
        {
            Objectives = objectives,
            Scoring = run.Selection.Mode == SelectionMode.Cv ? $"{run.Selection.Folds.Count}-fold cv" : "validation",
            NothingToSearch = nothingToSearch,
            Enqueued = enqueued,
            Defaults = defaults,
            Population = search.Sampler == "nsga2" ? search.Population ?? Nsga2DefaultPopulation : null,
            ConstantLiar = search.ConstantLiar ?? DefaultConstantLiar(search.Sampler),
            PrunerOptions = search.PrunerOptions,
            FixedOptions = families.ToDictionary(f => f, f => fixedOptions[f], StringComparer.Ordinal),
        };
    }

    /// <summary><paramref name="families"/> split into those left to search and those whose model's options fix their whole default space
    /// (they still compete in the final run as the spec's models, untuned); an error when search.families names one of the latter, or
    /// when none is left.</summary>
    /// <exception cref="KeelInputException">search.families names a family with nothing to search, or no family has anything to search.</exception>
    private static (IReadOnlyList<string> Searched, IReadOnlyList<string> NothingToSearch) WithSomethingToSearch(IReadOnlyList<string> families,
        Dictionary<string, SearchSpace> spaces, SearchSpec search, string specName)
    {
        var empty = families.Where(f => spaces[f].Params.Count == 0).ToArray();
        if (empty.Length == 0) return (families, []);
        if (search.Families.Count > 0)
        {
            throw new KeelInputException($"{specName} field 'search.families': '{empty[0]}' has nothing to search: the options of its model in " +
                $"'models' fix every parameter of its default space; add a range under search.spaces.{empty[0]} or leave it out of search.families.");
        }
        foreach (var f in empty) spaces.Remove(f);
        var left = families.Except(empty).ToArray();
        return left.Length > 0 ? (left, empty)
            : throw new KeelInputException($"{specName} field 'models': the options of every searched type ({string.Join(", ", empty)}) fix its " +
                "whole default space, so nothing is left to search; add ranges under search.spaces.");
    }

    /// <summary>Every range end and choice must be an option value the trainer accepts: checked now, not when a trial draws it.</summary>
    private static void CheckBounds(PreparedRun run, string family, SearchSpace space, string specName)
    {
        foreach (var p in space.Params)
        {
            double[] ends = p.Distribution switch
            {
                FloatDistribution f => [f.Low, f.High],
                IntDistribution i => [i.Low, i.High],
                CategoricalDistribution c => [.. Enumerable.Range(0, c.Choices.Count).Select(k => (double)k)],
                _ => [],
            };
            foreach (var end in ends)
            {
                var options = TrialRunner.Options(run.Spec, family, new Dictionary<string, string> { [p.Name] = p.Distribution.Format(end) });
                try
                {
                    Keel.Training.TrainerCatalog.Create(new ModelSpec { Type = family, Options = options }, run.Task, 0);
                }
                catch (KeelInputException e)
                {
                    throw new KeelInputException($"{specName} field 'search.spaces.{family}.{p.Name}': value {p.Distribution.Format(end)} is not accepted ({e.Message})", e);
                }
            }
        }
    }

    /// <summary>What every worker of the study must agree on, stored with the study: a joining worker finds the spec here and checks it is unchanged.</summary>
    public string DefinitionJson() => JsonSerializer.Serialize(new Definition(SpecPath, SpecSha256, Families,
        Families.ToDictionary(f => f, f => SearchSpaces.Describe(Spaces[f])), Sampler, PrunerText, Seed, Metric, StaleAfter.TotalSeconds, Scoring)
    {
        Objectives = Objectives.Count == 0 ? null : Objectives.Select(o => o.Name).ToArray(),
        Enqueued = Enqueued.Count == 0 ? null : Enqueued.Keys.Order().ToArray(),
        Defaults = Defaults.Count == 0 ? null : Defaults.Order().ToArray(),
        Population = Population,
        ConstantLiar = ConstantLiar,
    });

    /// <summary>The spec path recorded in a study's definition.</summary>
    /// <exception cref="KeelInputException">The definition was not written by a Keel search.</exception>
    public static string SpecPathOf(StudyRecord study) => Read(study).SpecPath;

    /// <summary>A study's definition as stored. <paramref name="Scoring"/> is null in a definition written before it was recorded.</summary>
    internal sealed record Definition(string SpecPath, string SpecSha256, IReadOnlyList<string> Families, IReadOnlyDictionary<string, string> Spaces,
        string Sampler, string Pruner, int Seed, string Metric, double StaleAfterSeconds, string? Scoring)
    {
        /// <summary>search.objectives of a multi-objective search, so a reader of the study can draw its front; absent otherwise (and in
        /// definitions written before it was recorded).</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<string>? Objectives { get; init; }

        /// <summary>The numbers of search.enqueue's trials, so a reader of the study can mark them; absent without enqueued trials.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<int>? Enqueued { get; init; }

        /// <summary>The enqueued trials search.start_from_defaults added (each family's first, with its defaults); absent without them.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<int>? Defaults { get; init; }

        /// <summary>The nsga2 sampler's generation size; absent for the other samplers.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public int? Population { get; init; }

        /// <summary>The tpe samplers' constant liar; absent for the other samplers (and in definitions written before it was
        /// recorded, whose workers did not lie).</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public bool? ConstantLiar { get; init; }
    }

    /// <summary>How the trials of <paramref name="study"/> are scored: its recorded scoring, or for a definition written before keel search
    /// recorded it (and scored trials by keel run's default selection rule), how that version scored them: by <paramref name="run"/>'s
    /// folds when the spec asks for split.selection: cv, else on the validation split.</summary>
    /// <exception cref="KeelInputException">The definition was not written by a Keel search.</exception>
    public static string ScoringOf(StudyRecord study, PreparedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Read(study).Scoring
            ?? (run.Spec.Split.Selection == SelectionMode.Cv && run.Selection.Mode == SelectionMode.Cv ? $"{run.Selection.Folds.Count}-fold cv" : "validation");
    }

    /// <summary>What differs between <paramref name="study"/>'s stored definition and this plan's, one phrase per field (its scoring read
    /// as <see cref="ScoringOf"/> reads it); empty when the study is this plan's and may be resumed or joined.</summary>
    /// <exception cref="KeelInputException">The definition was not written by a Keel search.</exception>
    public IReadOnlyList<string> Changes(StudyRecord study, PreparedRun run)
    {
        var stored = Read(study);
        var changes = new List<string>();
        void Compare<T>(string field, T was, T now)
        {
            if (!EqualityComparer<T>.Default.Equals(was, now)) changes.Add($"{field} (was {was}, now {now})");
        }
        Compare("the spec's path", stored.SpecPath, SpecPath);
        if (stored.SpecSha256 != SpecSha256) changes.Add("the spec's text (its SHA-256 differs)");
        Compare("search.families", string.Join(", ", stored.Families), string.Join(", ", Families));
        foreach (var family in Families.Intersect(stored.Families))
            Compare($"search.spaces.{family}", stored.Spaces.GetValueOrDefault(family), SearchSpaces.Describe(Spaces[family]));
        Compare("search.sampler", stored.Sampler, Sampler);
        Compare("search.population", stored.Population?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none",
            Population?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        // A study defined before the liar was recorded may be resumed either way: it changes only what workers sampling at once propose.
        if (stored.ConstantLiar is { } liar)
            Compare("search.constant_liar", liar.ToString().ToLowerInvariant(), ConstantLiar?.ToString().ToLowerInvariant() ?? "none");
        Compare("search.pruner", stored.Pruner, PrunerText);
        Compare("search.seed", stored.Seed, Seed);
        Compare("metric", stored.Metric, Metric);
        Compare("search.stale_after (seconds)", stored.StaleAfterSeconds, StaleAfter.TotalSeconds);
        Compare("the trial scoring", ScoringOf(study, run), Scoring);
        return changes;
    }

    /// <summary>The definition of a study written by keel search, or null when it was not (another tool's study, or unreadable).</summary>
    internal static Definition? TryRead(StudyRecord study)
    {
        try
        {
            return Read(study);
        }
        catch (KeelInputException)
        {
            return null;
        }
    }

    private static Definition Read(StudyRecord study)
    {
        ArgumentNullException.ThrowIfNull(study);
        try
        {
            return JsonSerializer.Deserialize<Definition>(study.DefinitionJson) is { SpecPath: not null } d ? d : throw new JsonException("no spec path");
        }
        catch (JsonException e)
        {
            throw new KeelInputException($"study '{study.Name}' was not created by `keel search` (its definition has no spec path): {e.Message}", e);
        }
    }

    /// <summary>The study record to create (or find) in the store.</summary>
    public StudyRecord Record(DateTimeOffset now) => new(Study, Families, PlannedTrials, DefinitionJson(), now) { StalePolicy = Stale };

    /// <summary>How often a held trial beats: a quarter of the lease, at most 10 seconds.</summary>
    public TimeSpan HeartbeatInterval => TimeSpan.FromTicks(Math.Min(StaleAfter.Ticks / 4, TimeSpan.FromSeconds(10).Ticks));

    /// <summary>The worker options: direction (and a multi-objective search's directions), the seeded sampler, the pruner, the lease.</summary>
    public StudyOptions StudyOptions(TimeProvider time) => new()
    {
        Direction = HigherIsBetter ? Direction.Maximize : Direction.Minimize,
        Directions = Objectives.Count < 2 ? [] : Objectives.Select(o => o.Direction).ToArray(),
        Sampler = Sampler switch
        {
            "random" => SamplerFactory.Random(new RandomSamplerOptions { Seed = Seed }),
            "grid" => SamplerFactory.Grid(),
            "tpe-multivariate" => SamplerFactory.Tpe(new TpeSamplerOptions { Seed = Seed, Multivariate = true, ConstantLiar = ConstantLiar == true }),
            "nsga2" => SamplerFactory.Nsga2(new Nsga2SamplerOptions { Seed = Seed, PopulationSize = Population ?? Nsga2DefaultPopulation }),
            _ => SamplerFactory.Tpe(new TpeSamplerOptions { Seed = Seed, ConstantLiar = ConstantLiar == true }),
        },
        Pruner = Pruner switch
        {
            "asha" => PrunerFactory.SuccessiveHalving(),
            "hyperband" => PrunerFactory.Hyperband(new HyperbandOptions { StudyName = Study }),
            "none" => PrunerFactory.None(),
            "percentile" => PrunerFactory.Percentile(PrunerOptions!.Percentile!.Value, PercentileOptions()),
            "threshold" => PrunerFactory.Threshold(PrunerOptions!.Lower ?? double.NegativeInfinity, PrunerOptions.Upper ?? double.PositiveInfinity, PrunerOptions.Warmup ?? 0),
            "patient" => PrunerFactory.Patient(PrunerOptions!.Wrapped == "median" ? PrunerFactory.Median(PercentileOptions()) : null, PrunerOptions.Patience!.Value, PrunerOptions.MinDelta ?? 0),
            _ => PrunerFactory.Median(PercentileOptions()),
        },
        Lease = StaleAfter,
        HeartbeatInterval = HeartbeatInterval,
        Time = time,
        Enqueued = Enqueued,
    };

    /// <summary>The median and percentile pruners' options: Optuna's, but with a warm-up of 10 rounds, unless the spec sets them (a
    /// patient pruner's wrapped median takes the defaults).</summary>
    private MedianPrunerOptions PercentileOptions() => Pruner is "median" or "percentile"
        ? new() { WarmupSteps = PrunerOptions?.Warmup ?? 10, StartupTrials = PrunerOptions?.Startup ?? 5 }
        : new() { WarmupSteps = 10 };

    /// <summary>Rounds at which a boosted trial reports and may be pruned: 10, 30, 90, ... below <paramref name="rounds"/>, then
    /// <paramref name="rounds"/> (the ASHA rungs). Each rung trains afresh: a seeded, deterministic booster's first rounds are the same trees.</summary>
    public IReadOnlyList<int> Rungs(int rounds)
    {
        if (Pruner == "none") return [rounds];
        var rungs = new List<int>();
        for (var r = 10; r < rounds; r *= 3) rungs.Add(r);
        rungs.Add(rounds);
        return rungs;
    }
}
