namespace Keel.Search.Samplers;

/// <summary>Options of the TPE sampler; the defaults are Optuna 3.1's.</summary>
public sealed record TpeSamplerOptions
{
    /// <summary>Seed of every draw. With the other options at Optuna 3.1's defaults (start-up count, candidates and prior weight may
    /// vary) it is numpy's seed, and the sampler proposes exactly what Optuna's <c>TPESampler(seed=Seed)</c> proposes (taken modulo
    /// 2^32, as numpy accepts 0 to 2^32 - 1). Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Trials sampled at random before TPE starts (per group). Default 10.</summary>
    public int StartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from the good-trials density; the one with the highest l(x)/g(x) wins. Default 24.</summary>
    public int EiCandidates { get; init; } = 24;

    /// <summary>Weight of the prior (uniform-ish over the range) among the Parzen components. Default 1.</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>Whether a continuous parameter's candidates are scored by the mixtures' normalised densities (each Gaussian
    /// divided by its width, as Optuna from 3.5 does) instead of by the Gaussians' heights, width left out (as Optuna 3.1 to 3.4
    /// do: optuna#5109). Default false: the heights, which weigh wide components up and converge faster in small budgets
    /// (bench/search: branin, hartmann6 and the mixed space at 50 trials).</summary>
    public bool NormalisedDensity { get; init; }

    /// <summary>Whether the parameters every finished trial has are drawn together from one joint Parzen mixture (Optuna's
    /// <c>multivariate=True</c>: one bandwidth per parameter by Scott's rule, 0.2 n^(-1/(d+4)) of the range); the others, such as
    /// conditional ones, stay independent. Default false (Optuna 3.1's default).</summary>
    public bool Multivariate { get; init; }

    /// <summary>Optuna's <c>constant_liar</c>: the family's trials still running (their parameters drawn, no value yet) join the bad
    /// side as if they had the worst value, so workers sampling at once do not propose the same region. They count neither towards
    /// the start-up trials nor towards how many are good. With one worker no other trial runs, so it changes nothing; with several
    /// objectives it is ignored (Optuna 3.1 leaves running trials out there). Default false (Optuna's).</summary>
    public bool ConstantLiar { get; init; }

    /// <summary>How many observed trials count as good: β n (Optuna's) or β √n (Watanabe 2023), rounded up, at most 25.
    /// Default <see cref="TpeGamma.Linear"/>.</summary>
    public TpeGamma Gamma { get; init; } = TpeGamma.Linear;

    /// <summary>β of <see cref="Gamma"/>. Default 0.1 (Optuna's: the best 10 %).</summary>
    public double GammaBeta { get; init; } = 0.1;

    /// <summary>How the observations of one side weigh. Default <see cref="TpeWeighting.OldDecay"/> (Optuna's).</summary>
    public TpeWeighting Weighting { get; init; } = TpeWeighting.OldDecay;

    /// <summary>How each Gaussian's width is chosen. Default <see cref="TpeBandwidth.Optuna"/>.</summary>
    public TpeBandwidth Bandwidth { get; init; } = TpeBandwidth.Optuna;

    /// <summary>Together with <see cref="MagicClipExponent"/>, the smallest width: range × max(factor, (n + 2)^(−exponent)) for n
    /// observations (the prior counts as one more). Default 0.01, which with exponent 1 is Optuna's range / min(100, n + 2).</summary>
    public double MinBandwidthFactor { get; init; } = 0.01;

    /// <summary>Exponent of the smallest width's shrinking with the number of observations (see <see cref="MinBandwidthFactor"/>);
    /// infinity keeps the smallest width at <see cref="MinBandwidthFactor"/> of the range. Default 1 (Optuna's).</summary>
    public double MagicClipExponent { get; init; } = 1.0;

    /// <summary>With a value b: categorical kernels after Aitchison and Aitken (1 − b on the observed choice, b spread evenly on the
    /// others); null: Optuna's smoothing (prior weight / (n + 1) on every choice, 1 more on the observed one). Default null.</summary>
    public double? CategoricalPriorWeight { get; init; }

    /// <summary>Optuna 3.1's <c>TPESampler(seed)</c>, trial for trial: the same draws and arithmetic, so the same proposals
    /// (tests/Keel.Search.Tests/OptunaStreamTests.cs).</summary>
    public static TpeSamplerOptions Optuna31(int seed) => new() { Seed = seed };

    /// <summary>Components from Watanabe (2023, arXiv 2304.11127) in the combination that did best in bench/search (round 5's
    /// candidate R): multivariate, Scott's rule per parameter, Optuna's smallest width and split, uniform weights, Optuna's
    /// categorical smoothing, normalised densities. Not Keel's default: over 100 seeds it beat Optuna 3.1's TPE on most objectives
    /// but lost on one held-out objective (bench/results.md, round 5).</summary>
    public static TpeSamplerOptions Watanabe2023(int seed) => new()
    {
        Seed = seed,
        Multivariate = true,
        Bandwidth = TpeBandwidth.Scott,
        Weighting = TpeWeighting.Uniform,
        NormalisedDensity = true,
    };
}

/// <summary>How TPE counts its good trials out of n observed.</summary>
public enum TpeGamma
{
    /// <summary>⌈β n⌉ (Optuna's, β = 0.1).</summary>
    Linear,

    /// <summary>⌈β √n⌉ (Watanabe 2023 recommends β = 0.25): fewer good trials as n grows, so l(x) stays sharp.</summary>
    Sqrt,
}

/// <summary>How the observations of one side weigh in its Parzen mixture.</summary>
public enum TpeWeighting
{
    /// <summary>Optuna's: equal up to 25 observations, then the oldest ramp from 1/n up to 1.</summary>
    OldDecay,

    /// <summary>All equal.</summary>
    Uniform,
}

/// <summary>How each Parzen component's width is chosen.</summary>
public enum TpeBandwidth
{
    /// <summary>Optuna's: the larger gap to the neighbouring observations (independent sampling), or 0.2 n^(−1/(d+4)) of the range
    /// for every component (multivariate).</summary>
    Optuna,

    /// <summary>Scott's rule per parameter over the observations and the prior's centre: 1.059 min(IQR / 1.34, sd) m^(−1/5).</summary>
    Scott,
}
