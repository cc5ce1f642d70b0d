using Keel.Core.Search;

namespace Keel.Search.Samplers;

/// <summary>Options of the NSGA-II sampler; the defaults are Optuna 3.1's <c>NSGAIISampler</c>'s.</summary>
public sealed record Nsga2SamplerOptions
{
    /// <summary>numpy's seed of both streams (the genetic operators' and the random sampler's, as Optuna seeds both with it), taken
    /// modulo 2^32. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Complete trials per generation; the first generation is sampled at random. Default 50 (Optuna's).</summary>
    public int PopulationSize { get; init; } = 50;

    /// <summary>Chance that a child's parameter is drawn at random instead of inherited. Default null: 1 / (parameters inherited).</summary>
    public double? MutationProbability { get; init; }

    /// <summary>Chance that a child mixes two parents (uniform crossover) instead of copying one. Default 0.9.</summary>
    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>Chance that a crossed-over parameter comes from the second parent. Default 0.5.</summary>
    public double SwappingProbability { get; init; } = 0.5;

    /// <summary>Checks the population and the probabilities.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (PopulationSize < 2) throw new ArgumentException($"population size {PopulationSize}: expected at least 2 (two parents)");
        foreach (var (name, p) in new[] { ("mutation probability", MutationProbability ?? 0), ("crossover probability", CrossoverProbability), ("swapping probability", SwappingProbability) })
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{name} {p}: expected a value from 0 to 1");
    }
}

/// <summary>
/// NSGA-II (Deb et al. 2002) as Optuna 3.1's <c>NSGAIISampler(seed=seed)</c> with uniform crossover, draw for draw. Trials are
/// numbered into generations: a trial's generation is one past the last generation with <see cref="Nsga2SamplerOptions.PopulationSize"/>
/// complete trials, and its parents come from that generation's elite: its complete trials with the elite before them, sorted into
/// non-domination ranks (Optuna's fast sort, in its order), the ranks taken whole while they fit and the last one cut by crowding
/// distance. The first generation is sampled at random. Later trials take, with the crossover probability, each parameter of the
/// relative search space (the parameters every complete trial has, in space order) from one of two parents, each the better of two
/// drawn at random (binary tournament; the second when neither dominates); else one random elite member's parameters. Each inherited
/// parameter is then dropped with the mutation probability (1 / their count by default) and drawn at random with the parameters
/// outside the relative space, as Optuna's <c>RandomSampler(seed)</c> draws them (<see cref="OptunaTpe.Startup"/>).
/// <para>Optuna's sampler keeps both numpy streams' state and the trials' generations as it goes; this one replays them from the
/// trials numbered before (each earlier trial's relative sampling on the operators' stream, one random draw per numeric parameter and
/// one per choice it did not inherit), as if the trials had run one after another, so a trial's draws do not depend on which worker
/// asks or on a restart. While an earlier trial has no parameters yet (workers sampling at once) its draws are unknown, and the trial
/// draws from streams of its own seeded from (seed, trial number).</para>
/// </summary>
internal sealed class Nsga2Sampler : ISampler
{
    private readonly Nsga2SamplerOptions _options;
    private Plan? _plan;

    public Nsga2Sampler(Nsga2SamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public double Sample(SamplingContext context, ParamSpec param)
    {
        // Optuna does not ask its sampler for a parameter with one possible value, so such a parameter takes no draws.
        if (OptunaTpe.Single(param.Distribution) is { } only) return only;
        var plan = PlanFor(context);
        if (plan.Relative.TryGetValue(param.Name, out var inherited) && param.Distribution.Contains(inherited)) return inherited;
        var rng = new NumpyRandomState(plan.RandomSeed);
        rng.Skip(plan.RandomDraws + context.Space.Params
            .Where(p => context.SoFar.ContainsKey(p.Name) && !context.IsFixed(context.TrialNumber, p.Name) && !plan.Inherits(p, context.SoFar[p.Name]))
            .Sum(p => (long)OptunaTpe.RandomDraws(p.Distribution)));
        return OptunaTpe.Startup(rng, param.Distribution);
    }

    /// <summary>What one trial inherits (its relative parameters) and where its random draws start.</summary>
    private sealed record Plan(int Trial, IReadOnlyList<TrialRecord> History, int Count, SearchSpace Space, IReadOnlyDictionary<string, double> Relative,
        uint RandomSeed, long RandomDraws)
    {
        public bool Inherits(ParamSpec p, double value) => Inherited(Relative, p, value);
    }

    /// <summary>Whether <paramref name="value"/> of <paramref name="p"/> is the one the trial inherited (and Optuna used it, being in range),
    /// so it took no random draw.</summary>
    private static bool Inherited(IReadOnlyDictionary<string, double> relative, ParamSpec p, double value) =>
        relative.TryGetValue(p.Name, out var v) && v == value && p.Distribution.Contains(v);

    private Plan PlanFor(SamplingContext context)
    {
        // Every parameter of a trial asks for the same plan: computed once per (trial, history); a pure function of those, so
        // concurrent workers sharing this sampler may at worst compute it twice.
        if (_plan is { } cached && cached.Trial == context.TrialNumber && ReferenceEquals(cached.History, context.History)
            && cached.Count == context.History.Count && ReferenceEquals(cached.Space, context.Space)) return cached;
        var plan = Replay(context);
        _plan = plan;
        return plan;
    }

    /// <summary>One individual of a population: a complete trial with its objective values (as measured) and losses (lower better).</summary>
    private sealed record Individual(TrialRecord Trial, double[] Values, double[] Losses);

    private Plan Replay(SamplingContext context)
    {
        IReadOnlyList<Direction> directions = context.Directions.Count > 1 ? context.Directions : [context.Direction];
        var earlier = context.History.Where(t => t.Number < context.TrialNumber).OrderBy(t => t.Number).ToArray();
        var own = earlier.Any(t => t.Params.Count == 0);
        var operators = new NumpyRandomState(own ? OwnSeed(context.TrialNumber, false) : unchecked((uint)_options.Seed));
        long randomDraws = 0;

        var generations = new Generations(_options.PopulationSize, directions);
        // Optuna's intersection search space: the parameters every complete trial has, in the space's order (single values left out).
        IEnumerable<ParamSpec>? shared = null;

        for (var k = 0; ; k++)
        {
            generations.Fill();
            var relativeSpace = (shared ?? []).Where(p => OptunaTpe.Single(p.Distribution) is null).ToArray();
            var isCurrent = k == earlier.Length;
            // An earlier trial's draws are replayed only when the current trial's streams are the shared ones.
            var relative = generations.Parent >= 0 && (isCurrent || !own) ? Relative(operators, generations.Parents, relativeSpace) : new Dictionary<string, double>();
            if (isCurrent)
                return new Plan(context.TrialNumber, context.History, context.History.Count, context.Space, relative,
                    own ? OwnSeed(context.TrialNumber, true) : unchecked((uint)_options.Seed), own ? 0 : randomDraws);

            var t = earlier[k];
            if (!own)
            {
                randomDraws += context.Space.Params.Where(p => t.Params.TryGetValue(p.Name, out var v) && !context.IsFixed(t.Number, p.Name)
                    && !Inherited(relative, p, v)).Sum(p => (long)OptunaTpe.RandomDraws(p.Distribution));
            }
            if (t.State == TrialState.Complete) shared = (shared ?? context.Space.Params).Where(p => t.Params.ContainsKey(p.Name)).ToArray();
            generations.Add(t);
        }
    }

    /// <summary>Each trial's NSGA-II generation, as Optuna numbers them when the trials run one after another (its
    /// <c>nsga2:generation</c>): trials of one group (family), any order.</summary>
    internal static IReadOnlyDictionary<int, int> GenerationsOf(IEnumerable<TrialRecord> trials, int populationSize, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var generations = new Generations(populationSize, directions);
        var result = new Dictionary<int, int>();
        foreach (var t in trials.OrderBy(t => t.Number))
        {
            generations.Fill();
            result[t.Number] = generations.Parent + 1;
            generations.Add(t);
        }
        return result;
    }

    /// <summary>The generations as Optuna numbers them, trial after trial: a trial belongs to the generation after the last full one
    /// (<see cref="Parent"/>), whose elite are its possible parents. A generation's elite, once it has a full population, never
    /// changes (later trials belong to later generations), so it is computed once, when the generation fills.</summary>
    private sealed class Generations(int populationSize, IReadOnlyList<Direction> directions)
    {
        private readonly Dictionary<int, List<Individual>> _complete = new();

        /// <summary>The last full generation; −1 while the first is filling.</summary>
        public int Parent { get; private set; } = -1;

        /// <summary>The elite of <see cref="Parent"/>.</summary>
        public List<Individual> Parents { get; private set; } = [];

        /// <summary>Moves on past every generation that has filled.</summary>
        public void Fill()
        {
            while (_complete.TryGetValue(Parent + 1, out var next) && next.Count >= populationSize)
            {
                Parents = Elite([.. next, .. Parents], populationSize);
                Parent++;
            }
        }

        /// <summary>The next trial, in the generation after <see cref="Parent"/>; it counts towards that generation's population when
        /// it is complete with its objective values.</summary>
        public void Add(TrialRecord t)
        {
            if (t.State != TrialState.Complete || ValuesOf(t, directions) is not { } values) return;
            if (!_complete.TryGetValue(Parent + 1, out var members)) _complete[Parent + 1] = members = [];
            members.Add(new Individual(t, values, values.Select((v, i) => directions[i].AsLoss(v)).ToArray()));
        }
    }

    /// <summary>A complete trial's objective values (its one value in a single-objective study), or null when it kept none.</summary>
    private static double[]? ValuesOf(TrialRecord t, IReadOnlyList<Direction> directions) =>
        directions.Count > 1 ? t.Values is { } v && v.Count == directions.Count ? v.ToArray() : null : t.Value is { } one ? [one] : null;

    private uint OwnSeed(int trial, bool random) =>
        unchecked((uint)_options.Seed * 0x9E3779B1u ^ (uint)(trial + 1) * 0x85EBCA77u ^ (random ? 0x27D4EB2Fu : 0x165667B1u));

    /// <summary>Optuna's <c>sample_relative</c> once the first generation is full: a crossed-over or copied child, then mutation.</summary>
    private Dictionary<string, double> Relative(NumpyRandomState rng, List<Individual> population, ParamSpec[] space)
    {
        List<(string Name, double Value)> child;
        if (rng.RandomSample() < _options.CrossoverProbability) child = Crossover(rng, population, space);
        else
        {
            var parent = population[rng.Choice(population.Count)];
            child = space.Select(p => (p.Name, parent.Trial.Params[p.Name])).ToList();
        }
        var mutation = _options.MutationProbability ?? 1.0 / Math.Max(1.0, child.Count);
        var kept = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in child)
            if (rng.RandomSample() >= mutation) kept[name] = value;
        return kept;
    }

    /// <summary>Optuna's <c>perform_crossover</c> with uniform crossover: categorical parameters first, then numeric ones through
    /// Optuna's search-space transform and back; parents drawn again while a child falls outside the space.</summary>
    private List<(string Name, double Value)> Crossover(NumpyRandomState rng, List<Individual> population, ParamSpec[] space)
    {
        var categorical = space.Where(p => p.Distribution is CategoricalDistribution).ToArray();
        var numeric = space.Where(p => p.Distribution is not CategoricalDistribution).ToArray();
        while (true)
        {
            var first = Tournament(rng, population);
            var second = Tournament(rng, population.Where(i => i.Trial.Number != first.Trial.Number).ToList());
            Individual[] pair = [first, second];
            var child = new List<(string, double)>(space.Length);
            foreach (var group in new[] { categorical, numeric })
            {
                if (group.Length == 0) continue;
                var masks = group.Select(_ => rng.RandomSample() >= _options.SwappingProbability ? 1 : 0).ToArray();
                for (var j = 0; j < group.Length; j++)
                {
                    var v = pair[masks[j]].Trial.Params[group[j].Name];
                    child.Add((group[j].Name, group[j].Distribution is CategoricalDistribution ? v : RoundTrip(group[j].Distribution, v)));
                }
            }
            if (child.All(c => space.First(p => p.Name == c.Item1).Distribution.Contains(c.Item2))) return child;
        }
    }

    /// <summary>A number through Optuna's <c>_SearchSpaceTransform</c> and back: log scales as exp(log x), floats kept below the
    /// upper bound, integers rounded and clipped.</summary>
    private static double RoundTrip(Distribution d, double v)
    {
        static double BelowHigh(double high) => high - 1 < high ? Math.BitDecrement(high) : high;
        return d switch
        {
            FloatDistribution { Log: true } f => Math.Min(Math.Exp(Math.Log(v)), BelowHigh(f.High)),
            FloatDistribution f => Math.Min(v, BelowHigh(f.High)),
            IntDistribution { Log: true } i => Math.Clamp(Math.Round(Math.Exp(Math.Log(v)), MidpointRounding.ToEven), i.Low, i.High),
            IntDistribution i => Math.Clamp(Math.Round(v - i.Low, MidpointRounding.ToEven) + i.Low, i.Low, i.High),
            _ => throw new ArgumentException($"not numeric: {d.GetType().Name}"),
        };
    }

    /// <summary>Binary tournament: two members drawn at random; the first if it dominates the second, else the second.</summary>
    private static Individual Tournament(NumpyRandomState rng, List<Individual> population)
    {
        var a = population[rng.Choice(population.Count)];
        var b = population[rng.Choice(population.Count)];
        return Dominates(a, b) ? a : b;
    }

    /// <summary>At least as good on every objective and not equal on all.</summary>
    private static bool Dominates(Individual a, Individual b)
    {
        if (a.Losses.SequenceEqual(b.Losses)) return false;
        for (var i = 0; i < a.Losses.Length; i++)
            if (!(a.Losses[i] <= b.Losses[i])) return false;
        return true;
    }

    /// <summary>Optuna's <c>_select_elite_population</c>: whole non-domination ranks while they fit below the population size, then
    /// the most crowding-distant of the rank that does not.</summary>
    private static List<Individual> Elite(List<Individual> population, int populationSize)
    {
        var elite = new List<Individual>(populationSize);
        foreach (var rank in NonDominatedSort(population))
        {
            if (elite.Count + rank.Count < populationSize)
            {
                elite.AddRange(rank);
                continue;
            }
            elite.AddRange(CrowdingSort(rank).Take(populationSize - elite.Count));
            break;
        }
        return elite;
    }

    /// <summary>Optuna 3.1's <c>_fast_non_dominated_sort</c>, whose swap-with-last removal orders each rank.</summary>
    private static List<List<Individual>> NonDominatedSort(List<Individual> population)
    {
        var count = population.ToDictionary(p => p.Trial.Number, _ => 0);
        var beats = population.ToDictionary(p => p.Trial.Number, _ => new List<int>());
        for (var i = 0; i < population.Count; i++)
        {
            for (var j = i + 1; j < population.Count; j++)
            {
                var (p, q) = (population[i], population[j]);
                if (Dominates(p, q))
                {
                    beats[p.Trial.Number].Add(q.Trial.Number);
                    count[q.Trial.Number]++;
                }
                else if (Dominates(q, p))
                {
                    beats[q.Trial.Number].Add(p.Trial.Number);
                    count[p.Trial.Number]++;
                }
            }
        }
        var left = population.ToList();
        var ranks = new List<List<Individual>>();
        while (left.Count > 0)
        {
            var front = new List<Individual>();
            var i = 0;
            while (i < left.Count)
            {
                if (count[left[i].Trial.Number] != 0)
                {
                    i++;
                    continue;
                }
                front.Add(left[i]);
                var last = left[^1];
                left.RemoveAt(left.Count - 1);
                if (i < left.Count) left[i] = last;
            }
            foreach (var x in front)
                foreach (var y in beats[x.Trial.Number]) count[y]--;
            ranks.Add(front);
        }
        return ranks;
    }

    /// <summary>Optuna 3.1's <c>_crowding_distance_sort</c>: the rank sorted (stably) by each objective in turn while each member's
    /// crowding distance is summed (the gap between its neighbours over the objective's finite range; infinite at the ends), then
    /// sorted stably by distance and reversed.</summary>
    private static List<Individual> CrowdingSort(List<Individual> rank)
    {
        var distance = rank.ToDictionary(x => x.Trial.Number, _ => 0.0);
        var sorted = rank.ToList();
        for (var m = 0; m < rank[0].Values.Length; m++)
        {
            var objective = m;
            sorted = sorted.OrderBy(x => x.Values[objective]).ToList();
            if (sorted[0].Values[m] == sorted[^1].Values[m]) continue;
            var vs = new double[sorted.Count + 2];
            vs[0] = double.NegativeInfinity;
            vs[^1] = double.PositiveInfinity;
            for (var j = 0; j < sorted.Count; j++) vs[j + 1] = sorted[j].Values[m];
            var min = vs.First(x => x != double.NegativeInfinity);
            var max = vs.Last(x => x != double.PositiveInfinity);
            var width = max - min;
            if (width <= 0) width = 1.0;
            for (var j = 0; j < sorted.Count; j++)
            {
                var gap = vs[j] == vs[j + 2] ? 0.0 : vs[j + 2] - vs[j];
                distance[sorted[j].Trial.Number] += gap / width;
            }
        }
        var result = sorted.OrderBy(x => distance[x.Trial.Number]).ToList();
        result.Reverse();
        return result;
    }
}
