using Keel.Core.Search;

namespace Keel.Search.Samplers;

/// <summary>What a sampler sees when it picks one parameter of one trial: the trial's number, the finished trials of its group
/// (snapshots; a sampler never touches the store) and the values picked so far for this trial.</summary>
public sealed record SamplingContext(int TrialNumber, SearchSpace Space, IReadOnlyList<TrialRecord> History, Direction Direction,
    IReadOnlyDictionary<string, double> SoFar)
{
    /// <summary>Enqueued trials (Optuna's <c>enqueue_trial</c>): trial number → the parameter values it was given, which no sampler
    /// drew (a sampler that replays its stream skips them). Default none.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, double>> Enqueued { get; init; } = new Dictionary<int, IReadOnlyDictionary<string, double>>();

    /// <summary>The directions of a multi-objective study's objectives, in the order of <see cref="TrialRecord.Values"/>; empty (the
    /// default) when the study has one objective, <see cref="Direction"/>. A sampler that searches for the Pareto front (TPE, with
    /// Optuna's defaults or multivariate) reads the trials' <see cref="TrialRecord.Values"/>; random and grid sampling ignore them.</summary>
    public IReadOnlyList<Direction> Directions { get; init; } = [];

    /// <summary>What the sampler of a trial (by number) is shown of some trials (history snapshots): all of them (the default, null),
    /// or those of its Hyperband bracket (<see cref="Pruners.ISamplerView"/>, as Optuna shows a sampler the trial's
    /// bracket). Samplers that model the history (tpe) read it through <see cref="Seen"/>.</summary>
    public Func<int, IReadOnlyList<TrialRecord>, IReadOnlyList<TrialRecord>>? SeenBy { get; init; }

    /// <summary>What trial <paramref name="trial"/>'s sampler was shown of <paramref name="trials"/> (see <see cref="SeenBy"/>).</summary>
    public IReadOnlyList<TrialRecord> Seen(int trial, IReadOnlyList<TrialRecord> trials) => SeenBy?.Invoke(trial, trials) ?? trials;

    /// <summary>Whether <paramref name="name"/> of trial <paramref name="trial"/> was given by an enqueued trial, not sampled.</summary>
    public bool IsFixed(int trial, string name) => Enqueued.TryGetValue(trial, out var given) && given.ContainsKey(name);
}

/// <summary>Picks parameter values for a trial (independently per parameter, as Optuna's default samplers do).</summary>
public interface ISampler
{
    /// <summary>The internal value of <paramref name="param"/> for the trial in <paramref name="context"/>.</summary>
    double Sample(SamplingContext context, ParamSpec param);
}

/// <summary>Samples every active parameter of a space in order.</summary>
public static class Sampling
{
    /// <summary>Values for every parameter whose condition holds, in space order (so conditions see their parent): the value an
    /// enqueued trial gives it (<paramref name="enqueued"/>, by trial number: Optuna's <c>enqueue_trial</c>), else sampled.
    /// <paramref name="directions"/>: a multi-objective study's directions (<see cref="SamplingContext.Directions"/>); <paramref name="seenBy"/>:
    /// what each trial's sampler is shown (<see cref="SamplingContext.SeenBy"/>).</summary>
    public static IReadOnlyDictionary<string, double> SampleAll(ISampler sampler, SearchSpace space, int trialNumber,
        IReadOnlyList<TrialRecord> history, Direction direction, IReadOnlyDictionary<int, IReadOnlyDictionary<string, double>>? enqueued = null,
        IReadOnlyList<Direction>? directions = null, Func<int, IReadOnlyList<TrialRecord>, IReadOnlyList<TrialRecord>>? seenBy = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(space);
        enqueued ??= new Dictionary<int, IReadOnlyDictionary<string, double>>();
        var given = enqueued.GetValueOrDefault(trialNumber);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in space.Params)
        {
            if (!space.IsActive(p, values)) continue;
            values[p.Name] = given is not null && given.TryGetValue(p.Name, out var v) ? v
                : sampler.Sample(new SamplingContext(trialNumber, space, history, direction, values) { Enqueued = enqueued, Directions = directions ?? [], SeenBy = seenBy }, p);
        }
        return values;
    }
}

/// <summary>Seeded randomness per (seed, trial, parameter): the same trial gets the same draw whichever worker runs it and in
/// whatever order trials finish, so seeded searches reproduce across processes.</summary>
internal static class TrialRandom
{
    public static Random For(int seed, int trialNumber, string param)
    {
        // FNV-1a over the name: string.GetHashCode is randomised per process.
        var h = 2166136261u;
        foreach (var ch in param) h = (h ^ ch) * 16777619u;
        var mixed = unchecked((uint)seed * 0x9E3779B1u ^ (uint)trialNumber * 0x85EBCA77u ^ h * 0xC2B2AE3Du);
        return new Random((int)(mixed & 0x7FFFFFFF));
    }
}
