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

    /// <summary>Optuna's median pruner (the percentile pruner at 50).</summary>
    public static IPruner Median(MedianPrunerOptions? options = null) => new PercentilePruner(50, options ?? new());

    /// <summary>Optuna's percentile pruner: stops a trial whose best loss so far is worse than the <paramref name="percentile"/>-th
    /// percentile (0 to 100; lower is stricter) of the complete trials' losses at the same step.</summary>
    public static IPruner Percentile(double percentile, MedianPrunerOptions? options = null) =>
        percentile is >= 0 and <= 100 ? new PercentilePruner(percentile, options ?? new())
            : throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "expected a percentile from 0 to 100");

    /// <summary>Optuna's threshold pruner: stops a trial whose latest loss is not a number or outside [<paramref name="lower"/>,
    /// <paramref name="upper"/>], judged after <paramref name="warmupSteps"/> steps, every <paramref name="intervalSteps"/>.</summary>
    public static IPruner Threshold(double lower = double.NegativeInfinity, double upper = double.PositiveInfinity, int warmupSteps = 0, int intervalSteps = 1) =>
        lower <= upper ? new ThresholdPruner(lower, upper, warmupSteps, intervalSteps)
            : throw new ArgumentException($"the lower threshold {lower} is above the upper {upper}");

    /// <summary>Optuna's patient pruner: stops a trial whose best loss over its last <paramref name="patience"/> + 1 steps is worse, by
    /// more than <paramref name="minDelta"/>, than its best before them (and, with <paramref name="wrapped"/>, only when that pruner
    /// would stop it too).</summary>
    public static IPruner Patient(IPruner? wrapped, int patience, double minDelta = 0) =>
        patience >= 0 && minDelta >= 0 ? new PatientPruner(wrapped, patience, minDelta)
            : throw new ArgumentOutOfRangeException(nameof(patience), "expected a patience and a minimum improvement of 0 or more");

    /// <summary>Optuna's Hyperband: successive halving in brackets of different aggressiveness, each trial in one bracket.</summary>
    public static IPruner Hyperband(HyperbandOptions options) => new HyperbandPruner(options);

    /// <summary>Asynchronous successive halving (ASHA).</summary>
    public static IPruner SuccessiveHalving(SuccessiveHalvingOptions? options = null) => new SuccessiveHalvingPruner(options ?? new());
}
