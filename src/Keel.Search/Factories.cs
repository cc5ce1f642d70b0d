using Keel.Search.Pruners;
using Keel.Search.Samplers;

namespace Keel.Search;

/// <summary>Creates the samplers Keel ships (implementations are internal).</summary>
public static class SamplerFactory
{
    /// <summary>Uniform random draws.</summary>
    public static ISampler Random(RandomSamplerOptions? options = null) => new RandomSampler(options ?? new());

    /// <summary>Every grid combination in turn.</summary>
    public static ISampler Grid(GridSamplerOptions? options = null) => new GridSampler(options ?? new());

    /// <summary>Optuna's TPE (independent per parameter).</summary>
    public static ISampler Tpe(TpeSamplerOptions? options = null) => new TpeSampler(options ?? new());

    /// <summary>Optuna's NSGA-II (uniform crossover), for searching a Pareto front by generations.</summary>
    public static ISampler Nsga2(Nsga2SamplerOptions? options = null) => new Nsga2Sampler(options ?? new());

    /// <summary>Each trial's NSGA-II generation (Optuna's <c>nsga2:generation</c>) among one family's <paramref name="trials"/>, as the
    /// nsga2 sampler of <paramref name="populationSize"/> numbers them: by trial number, as if the trials ran one after another.</summary>
    public static IReadOnlyDictionary<int, int> Nsga2Generations(IEnumerable<Keel.Core.Search.TrialRecord> trials, int populationSize, IReadOnlyList<Direction> directions) =>
        Nsga2Sampler.GenerationsOf(trials, populationSize, directions);

    /// <summary>Grid combinations in a space (the product of every parameter's points).</summary>
    public static long GridSize(SearchSpace space, GridSamplerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        var g = new GridSampler(options ?? new());
        return space.Params.Aggregate(1L, (a, p) => a * g.Points(p).Count);
    }
}

/// <summary>Creates the pruners Keel ships (implementations are internal).</summary>
public static class PrunerFactory
{
    /// <summary>Never prunes.</summary>
    public static IPruner None() => new NopPruner();

    /// <summary>Optuna's median pruner.</summary>
    public static IPruner Median(MedianPrunerOptions? options = null) => new MedianPruner(options ?? new());

    /// <summary>Optuna's Hyperband: successive halving in brackets of different aggressiveness, each trial in one bracket.</summary>
    public static IPruner Hyperband(HyperbandOptions options) => new HyperbandPruner(options);

    /// <summary>Asynchronous successive halving (ASHA).</summary>
    public static IPruner SuccessiveHalving(SuccessiveHalvingOptions? options = null) => new SuccessiveHalvingPruner(options ?? new());
}
