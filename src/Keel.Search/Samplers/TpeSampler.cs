using Keel.Core.Search;

namespace Keel.Search.Samplers;

/// <summary>
/// Tree-structured Parzen Estimator, independent per parameter, following Optuna 3.1's TPESampler: the observed trials (complete,
/// then pruned ones ranked by how far they got) are split into the best gamma(n) = min(ceil(0.1 n), 25) ("below") and the rest;
/// each side becomes a Parzen mixture (one truncated Gaussian per observation at the observed value, bandwidth the larger gap to its
/// neighbours clipped to [range / min(100, n + 1), range], plus a prior component centred on the range with width the range);
/// older observations weigh less once there are more than 25; 24 candidates drawn from the "below" mixture are scored by
/// log l(x) - log g(x) and the best is taken. Categorical parameters use smoothed one-hot components; linear integers are
/// scored by the mass of their bin, log integers as continuous values in log space (as Optuna 3.1 does). The options swap in the
/// components Watanabe (2023) ablates (split, weights, bandwidth rule, smallest width, categorical kernel, normalised densities).
/// With Optuna's default options the draws and the arithmetic are Optuna's own (<see cref="OptunaTpe"/>), so the proposals are the ones
/// Optuna 3.1's TPESampler(seed) makes; the code below serves the other options (and scores candidates for the fixture tests).
/// With several objectives (<see cref="SamplingContext.Directions"/>) the good side is chosen and weighed as Optuna's multi-objective
/// TPE does (<see cref="OptunaMultiObjective"/>), in both paths.
/// </summary>
internal sealed class TpeSampler(TpeSamplerOptions options) : ISampler
{
    private const double Eps = 1e-12;

    /// <summary>Optuna 3.1's own draws, when the options are its defaults (the start-up count, candidates and prior weight may vary).</summary>
    private readonly OptunaTpe? _optuna = options with { Seed = 0, StartupTrials = 10, EiCandidates = 24, PriorWeight = 1, ConstantLiar = false } == new TpeSamplerOptions { Seed = 0 }
        ? new OptunaTpe(options.Seed, options.StartupTrials, options.EiCandidates, options.PriorWeight, options.ConstantLiar)
        : null;

    public double Sample(SamplingContext context, ParamSpec param)
    {
        if (_optuna is not null) return _optuna.Sample(context, param);
        if (options.Multivariate && Joint(context) is { } joint && joint.TryGetValue(param.Name, out var jointValue)) return jointValue;
        var rng = TrialRandom.For(options.Seed, context.TrialNumber, param.Name);
        if (Split(context, param) is not var (below, belowWeights, above)) return RandomSampler.Draw(rng, param.Distribution);

        if (param.Distribution is CategoricalDistribution c)
        {
            var l = CategoricalMixture(below, c.Choices.Count, belowWeights);
            var g = CategoricalMixture(above, c.Choices.Count);
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var k = 0; k < options.EiCandidates; k++)
            {
                var x = Pick(rng, l);
                var score = Math.Log(l[x]) - Math.Log(g[x]);
                if (score > bestScore) (best, bestScore) = (x, score);
            }
            return best;
        }

        var (low, high) = NumericBounds.Of(param.Distribution);
        var lm = Parzen(below.Select(v => NumericBounds.To(param.Distribution, v)).ToArray(), low, high, weights: belowWeights);
        var gm = Parzen(above.Select(v => NumericBounds.To(param.Distribution, v)).ToArray(), low, high);
        double chosen = double.NaN, chosenScore = double.NegativeInfinity;
        for (var k = 0; k < options.EiCandidates; k++)
        {
            var value = NumericBounds.Back(param.Distribution, lm.Sample(rng));
            var score = ScoreAt(param.Distribution, lm, gm, value);
            if (score > chosenScore || double.IsNaN(chosen)) (chosen, chosenScore) = (value, score);
        }
        return chosen;
    }

    /// <summary>The values of <paramref name="param"/> in the good ("below") and bad ("above") trials, in <see cref="SplitTrials"/>'
    /// order, with the good ones' weights in a multi-objective study; null while fewer trials than the start-up count have finished.</summary>
    private (double[] Below, double[]? BelowWeights, double[] Above)? Split(SamplingContext context, ParamSpec param)
    {
        // As Optuna: every finished trial counts towards start-up and γ, and is split into good and bad; only then are the
        // trials without this (conditional) parameter dropped from each side.
        var observed = Observations(context);
        if (observed.Count(o => !o.Lie) < options.StartupTrials) return null;
        var (below, weights, above) = SplitTrials(observed);
        bool Has(TrialRecord t) => t.Params.ContainsKey(param.Name);
        double[] Side(IEnumerable<TrialRecord> side) => side.Where(Has).Select(t => t.Params[param.Name]).ToArray();
        return (Side(below), weights?.Where((_, k) => Has(below[k])).ToArray(), Side(above));
    }

    /// <summary>The best gamma(n) observed trials and the rest, each in trial order. In a multi-objective study (observations with
    /// losses per objective) the good ones are chosen as Optuna's multi-objective TPE chooses them (non-domination rank, then
    /// hypervolume subset selection; <see cref="OptunaMultiObjective"/>) and kept in that order with their hypervolume-contribution
    /// weights; otherwise the weights are null (the options' weighting).</summary>
    private (TrialRecord[] Below, double[]? BelowWeights, TrialRecord[] Above) SplitTrials(List<Observation> observed)
    {
        var nBelow = GoodCount(observed.Count(o => !o.Lie));
        if (observed.Count > 0 && observed[0].Losses is not null)
        {
            var losses = observed.Select(o => o.Losses!).ToArray();
            var (good, bad) = OptunaMultiObjective.Split(losses, nBelow);
            return (good.Select(i => observed[i].Trial).ToArray(), OptunaMultiObjective.BelowWeights(good.Select(i => losses[i]).ToArray()),
                bad.Select(i => observed[i].Trial).OrderBy(t => t.Number).ToArray());
        }
        // Rank: complete by loss first, then pruned by deeper step, then by their last intermediate loss (Optuna's order).
        // Running trials (constant liar) rank last, so they are all on the bad side.
        var ranked = observed.OrderBy(o => o.Lie ? 2 : o.Rank.Pruned ? 1 : 0).ThenBy(o => -o.Rank.Step).ThenBy(o => o.Rank.Loss).ThenBy(o => o.Trial.Number).ToArray();
        TrialRecord[] Side(IEnumerable<Observation> side) => side.Select(o => o.Trial).OrderBy(t => t.Number).ToArray();
        return (Side(ranked.Take(nBelow)), null, Side(ranked.Skip(nBelow)));
    }

    /// <summary>Multivariate TPE (Optuna's <c>multivariate=True</c>, <c>group=False</c>): values for the parameters every observed
    /// trial has, drawn together; null during the start-up trials or when no parameter is shared. The same for every parameter of
    /// one trial, since it depends only on the history, the seed and the trial's number.</summary>
    private Dictionary<string, double>? Joint(SamplingContext context)
    {
        // Every parameter of a trial asks for the same joint draw: computed once per (trial, history). The draw is a pure function
        // of those, so concurrent workers sharing this sampler may at worst compute it twice.
        if (_joint is { } cached && cached.Trial == context.TrialNumber && ReferenceEquals(cached.History, context.History)
            && cached.Count == context.History.Count && ReferenceEquals(cached.Space, context.Space)) return cached.Values;
        var values = JointUncached(context);
        _joint = new JointDraw(context.TrialNumber, context.History, context.History.Count, context.Space, values);
        return values;
    }

    private sealed record JointDraw(int Trial, IReadOnlyList<TrialRecord> History, int Count, SearchSpace Space, Dictionary<string, double>? Values);

    private JointDraw? _joint;

    private Dictionary<string, double>? JointUncached(SamplingContext context)
    {
        var observed = Observations(context);
        if (observed.Count(o => !o.Lie) < options.StartupTrials) return null;
        var (space, l, g) = JointSides(context.Space, observed);
        if (space.Length == 0) return null;
        var rng = TrialRandom.For(options.Seed, context.TrialNumber, "\u0001joint");
        Dictionary<string, double>? chosen = null;
        var chosenScore = double.NegativeInfinity;
        for (var c = 0; c < options.EiCandidates; c++)
        {
            var k = PickComponent(rng, l.Weights);
            var candidate = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var j = 0; j < space.Length; j++)
            {
                candidate[space[j].Name] = l.Marginals[j] is ParzenMixture m
                    ? NumericBounds.Back(space[j].Distribution, m.SampleComponent(k, rng))
                    : Pick(rng, ((double[][])l.Marginals[j])[k]);
            }
            var score = JointLogPdf(space, l, candidate) - JointLogPdf(space, g, candidate);
            if (chosen is null || score > chosenScore) (chosen, chosenScore) = (candidate, score);
        }
        return chosen;
    }

    /// <summary>The multivariate acquisition log l(x) - log g(x) at each point (internal values of every shared parameter).</summary>
    internal double[] JointScore(SamplingContext context, IReadOnlyList<IReadOnlyDictionary<string, double>> points)
    {
        var (space, l, g) = JointSides(context.Space, Observations(context));
        return points.Select(x => JointLogPdf(space, l, x) - JointLogPdf(space, g, x)).ToArray();
    }

    /// <summary>Optuna's relative search space, the intersection of the observed (not running) trials' parameters, with the good and
    /// bad sides' joint mixtures over it; a running trial without all of them is left out.</summary>
    private (ParamSpec[] Space, (double[] Weights, object[] Marginals) Good, (double[] Weights, object[] Marginals) Bad) JointSides(SearchSpace full, List<Observation> observed)
    {
        var space = full.Params.Where(p => observed.All(o => o.Lie || o.Trial.Params.ContainsKey(p.Name))).ToArray();
        var (below, belowWeights, above) = SplitTrials(observed.Where(o => !o.Lie || space.All(p => o.Trial.Params.ContainsKey(p.Name))).ToList());
        return (space, JointMixture(space, below, belowWeights), JointMixture(space, above));
    }

    /// <summary>One side's joint mixture: a component per trial plus the prior, sharing weights across parameters (<paramref name="weights"/>
    /// when given, else the observations' weights); each parameter's
    /// marginal is a <see cref="ParzenMixture"/> (numeric) or the components' choice probabilities (categorical).</summary>
    private (double[] Weights, object[] Marginals) JointMixture(ParamSpec[] space, TrialRecord[] trials, double[]? weights = null)
    {
        var marginals = space.Select(p =>
        {
            var values = trials.Select(t => t.Params[p.Name]).ToArray();
            if (p.Distribution is CategoricalDistribution c) return (object)CategoricalRows(values, c.Choices.Count);
            var (low, high) = NumericBounds.Of(p.Distribution);
            return Parzen(values.Select(v => NumericBounds.To(p.Distribution, v)).ToArray(), low, high, space.Length);
        }).ToArray();
        return (Normalised((weights ?? ObservationWeights(trials.Length)).Append(options.PriorWeight).ToArray()), marginals);
    }

    private double JointLogPdf(ParamSpec[] space, (double[] Weights, object[] Marginals) mixture, IReadOnlyDictionary<string, double> x)
    {
        var terms = mixture.Weights.Select(w => Math.Log(w)).ToArray();
        var heights = !options.NormalisedDensity;
        for (var j = 0; j < space.Length; j++)
        {
            var d = space[j].Distribution;
            var v = x[space[j].Name];
            for (var k = 0; k < terms.Length; k++)
            {
                terms[k] += mixture.Marginals[j] switch
                {
                    double[][] rows => Math.Log(rows[k][(int)v]),
                    ParzenMixture m when d is IntDistribution { Log: false } => Math.Log(Math.Max(m.ComponentMass(k, v - 0.5, v + 0.5), Eps)),
                    ParzenMixture m => m.ComponentLogPdf(k, NumericBounds.To(d, v), heights),
                    _ => throw new InvalidOperationException("unknown marginal"),
                };
            }
        }
        return LogSumExp(terms);
    }

    /// <summary>The acquisition log l(x) - log g(x) at each of <paramref name="values"/> (internal values, as <see cref="Sample"/>
    /// returns them), from the history in <paramref name="context"/>; what <see cref="Sample"/> maximises over its candidates.</summary>
    internal double[] Score(SamplingContext context, ParamSpec param, IReadOnlyList<double> values)
    {
        if (Split(context, param) is not var (below, belowWeights, above)) throw new InvalidOperationException("still in the start-up trials");
        if (param.Distribution is CategoricalDistribution c)
        {
            var l = CategoricalMixture(below, c.Choices.Count, belowWeights);
            var g = CategoricalMixture(above, c.Choices.Count);
            return values.Select(v => Math.Log(l[(int)v]) - Math.Log(g[(int)v])).ToArray();
        }
        var (low, high) = NumericBounds.Of(param.Distribution);
        var lm = Parzen(below.Select(v => NumericBounds.To(param.Distribution, v)).ToArray(), low, high, weights: belowWeights);
        var gm = Parzen(above.Select(v => NumericBounds.To(param.Distribution, v)).ToArray(), low, high);
        return values.Select(v => ScoreAt(param.Distribution, lm, gm, v)).ToArray();
    }

    private double ScoreAt(Distribution d, ParzenMixture lm, ParzenMixture gm, double value)
    {
        // Linear integers are scored by the mass of their bin, as Optuna scores stepped values; the rest where the value lands
        // (a log integer after rounding), as Optuna scores the values it returns.
        if (d is IntDistribution { Log: false }) return lm.LogMass(value - 0.5, value + 0.5) - gm.LogMass(value - 0.5, value + 0.5);
        var at = NumericBounds.To(d, value);
        var heights = !options.NormalisedDensity;
        return lm.LogPdf(at, heights) - gm.LogPdf(at, heights);
    }

    /// <summary>How many of <paramref name="n"/> observed trials count as good under the options' split.</summary>
    internal int GoodCount(int n) =>
        Math.Min((int)Math.Ceiling(options.GammaBeta * (options.Gamma == TpeGamma.Sqrt ? Math.Sqrt(n) : n)), 25);

    /// <summary>The weights of <paramref name="n"/> observations, oldest first, under the options' weighting.</summary>
    private double[] ObservationWeights(int n) =>
        options.Weighting == TpeWeighting.Uniform ? Enumerable.Repeat(1.0, n).ToArray() : Weights(n);

    /// <summary>Optuna's default weights: flat for up to 25 observations; beyond, the oldest ramp up linearly from 1/n to 1.</summary>
    public static double[] Weights(int n)
    {
        if (n == 0) return [];
        if (n < 25) return Enumerable.Repeat(1.0, n).ToArray();
        var ramp = n - 25;
        var w = new double[n];
        for (var i = 0; i < ramp; i++) w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * i / (ramp - 1);
        for (var i = ramp; i < n; i++) w[i] = 1;
        return w;
    }

    /// <summary>An observed trial and how it ranks; in a multi-objective study its loss per objective (maximised ones negated).
    /// <paramref name="Lie"/>: a running trial under the constant liar, ranked after every observed one.</summary>
    private sealed record Observation(TrialRecord Trial, (bool Pruned, int Step, double Loss) Rank, double[]? Losses = null, bool Lie = false);

    private List<Observation> Observations(SamplingContext context)
    {
        var list = new List<Observation>();
        if (context.Directions.Count > 1)
        {
            // As Optuna's multi-objective TPE: complete trials with a value per objective only.
            foreach (var t in context.Seen(context.TrialNumber, context.History))
            {
                if (t.Losses(context.Directions) is { } losses) list.Add(new Observation(t, (false, 0, 0), losses));
            }
            return list;
        }
        foreach (var t in context.Seen(context.TrialNumber, context.History))
        {
            if (t.State == TrialState.Complete && t.Value is { } value)
                list.Add(new Observation(t, (false, 0, context.Direction.AsLoss(value))));
            else if (t.State == TrialState.Pruned && t.Intermediate.Count > 0)
            {
                // Intermediate values are losses (lower better) whatever the objective's direction.
                var last = t.Intermediate.Keys.Max();
                list.Add(new Observation(t, (true, last, t.Intermediate[last])));
            }
            else if (options.ConstantLiar && OptunaTpe.InFlight(t))
                list.Add(new Observation(t, (false, 0, double.PositiveInfinity), Lie: true));
        }
        return list;
    }

    /// <summary>The mixture's choice probabilities; <paramref name="weights"/> replaces the observations' weights when given.</summary>
    private double[] CategoricalMixture(double[] observed, int choices, double[]? weights = null)
    {
        var w = Normalised((weights ?? ObservationWeights(observed.Length)).Append(options.PriorWeight).ToArray());
        var rows = CategoricalRows(observed, choices);
        var p = new double[choices];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var k = 0; k < choices; k++) p[k] += w[i] * rows[i][k];
        }
        return p;
    }

    /// <summary>Each component's choice probabilities, the prior's last. Optuna 3.1: every component puts prior_weight / (n + 1)
    /// on each choice and 1 more on its observation, normalised per component; the prior component is uniform.</summary>
    private double[][] CategoricalRows(double[] observed, int choices)
    {
        if (options.CategoricalPriorWeight is { } b && choices > 1)
        {
            // Aitchison-Aitken: 1 - b on the observed choice, b shared by the others; the prior component stays uniform.
            var aa = observed.Select(o => Enumerable.Range(0, choices).Select(k => k == (int)o ? 1 - b : b / (choices - 1)).ToArray()).ToList();
            aa.Add(Enumerable.Repeat(1.0 / choices, choices).ToArray());
            return [.. aa];
        }
        var smooth = options.PriorWeight / (observed.Length + 1);
        var rowTotal = 1 + smooth * choices;
        var rows = observed.Select(o => Enumerable.Range(0, choices).Select(k => (smooth + (k == (int)o ? 1 : 0)) / rowTotal).ToArray()).ToList();
        rows.Add(Enumerable.Repeat(1.0 / choices, choices).ToArray());
        return [.. rows];
    }

    private static double[] Normalised(double[] w)
    {
        var total = w.Sum();
        return w.Select(x => x / total).ToArray();
    }

    /// <summary>A component index drawn by weight (the weights sum to 1).</summary>
    private static int PickComponent(Random rng, double[] weights)
    {
        var u = rng.NextDouble();
        var k = 0;
        for (; k < weights.Length - 1; k++)
        {
            u -= weights[k];
            if (u <= 0) break;
        }
        return k;
    }

    private static int Pick(Random rng, double[] p)
    {
        var u = rng.NextDouble() * p.Sum();
        for (var k = 0; k < p.Length; k++)
        {
            u -= p[k];
            if (u <= 0) return k;
        }
        return p.Length - 1;
    }

    /// <summary>One side's Parzen mixture over [low, high]; with <paramref name="jointDims"/> (multivariate, that many parameters),
    /// Optuna's bandwidth is 0.2 n^(-1/(d+4)) of the range for every component instead of the gap to its neighbours.</summary>
    private ParzenMixture Parzen(double[] observed, double low, double high, int? jointDims = null, double[]? weights = null)
    {
        // As Optuna 3.1: the prior (centre of the range) takes part in the bandwidths like an observation, and in the count behind
        // the smallest bandwidth; its own bandwidth is then the whole range.
        double[] mus = [.. observed, 0.5 * (low + high)];
        var range = high - low;
        var sigmas = options.Bandwidth == TpeBandwidth.Scott ? Enumerable.Repeat(Scott(mus), mus.Length).ToArray()
            : jointDims is { } d ? Enumerable.Repeat(0.2 * Math.Pow(Math.Max(observed.Length, 1), -1.0 / (d + 4)) * range, mus.Length).ToArray()
            : NeighbourGaps(mus, low, high);
        var minSigma = range * Math.Max(options.MinBandwidthFactor, Math.Pow(observed.Length + 2, -options.MagicClipExponent));
        for (var i = 0; i < sigmas.Length; i++) sigmas[i] = Math.Clamp(sigmas[i], minSigma, range);
        sigmas[^1] = range;
        return new ParzenMixture(mus, sigmas, Normalised((weights ?? ObservationWeights(observed.Length)).Append(options.PriorWeight).ToArray()), low, high);
    }

    /// <summary>Each point's larger gap to its neighbours (Optuna 3.1, <c>consider_endpoints=False</c>: the outermost points do not
    /// stretch to the bounds).</summary>
    private static double[] NeighbourGaps(double[] mus, double low, double high)
    {
        var n = mus.Length;
        var order = Enumerable.Range(0, n).OrderBy(i => mus[i]).ToArray();
        var ends = new double[n + 2];
        ends[0] = low;
        ends[^1] = high;
        for (var i = 0; i < n; i++) ends[i + 1] = mus[order[i]];
        var sorted = new double[n];
        for (var i = 0; i < n; i++) sorted[i] = Math.Max(ends[i + 1] - ends[i], ends[i + 2] - ends[i + 1]);
        if (ends.Length >= 4)
        {
            sorted[0] = ends[2] - ends[1];
            sorted[^1] = ends[^2] - ends[^3];
        }
        var sigmas = new double[n];
        for (var i = 0; i < n; i++) sigmas[order[i]] = sorted[i];
        return sigmas;
    }

    /// <summary>Scott's rule over the points: 1.059 min(IQR / 1.34, sd) m^(-1/5), sd with m - 1 in the denominator and the
    /// quartiles linearly interpolated (numpy's defaults), as Watanabe's reference implementation computes it.</summary>
    internal static double Scott(double[] mus)
    {
        var m = mus.Length;
        var mean = mus.Average();
        var sd = Math.Sqrt(mus.Sum(x => (x - mean) * (x - mean)) / Math.Max(m - 1, 1));
        var sorted = mus.Order().ToArray();
        double Quantile(double q)
        {
            var pos = q * (m - 1);
            var lo = (int)Math.Floor(pos);
            var hi = Math.Min(lo + 1, m - 1);
            return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
        }
        var iqr = Quantile(0.75) - Quantile(0.25);
        return 1.059 * Math.Min(iqr / 1.34, sd) * Math.Pow(m, -0.2);
    }

    /// <summary>A mixture of Gaussians truncated to [Low, High].</summary>
    private sealed record ParzenMixture(double[] Mus, double[] Sigmas, double[] Weights, double Low, double High)
    {
        public double Sample(Random rng) => SampleComponent(PickComponent(rng, Weights), rng);

        /// <summary>A draw from component <paramref name="k"/> alone.</summary>
        public double SampleComponent(int k, Random rng)
        {
            // Inverse-CDF draw within the truncation bounds.
            var a = Normal.Cdf((Low - Mus[k]) / Sigmas[k]);
            var b = Normal.Cdf((High - Mus[k]) / Sigmas[k]);
            var p = a + rng.NextDouble() * (b - a);
            var x = Mus[k] + Sigmas[k] * Normal.InverseCdf(Math.Clamp(p, 1e-300, 1 - 1e-16));
            return Math.Clamp(x, Low, High);
        }

        /// <summary>The log density at <paramref name="x"/>; with <paramref name="heights"/>, each truncated Gaussian's density times
        /// its width (Optuna 3.1's _truncnorm.logpdf leaves out the log of the scale).</summary>
        public double LogPdf(double x, bool heights) =>
            LogSumExp(Enumerable.Range(0, Mus.Length).Select(k => Math.Log(Weights[k]) + ComponentLogPdf(k, x, heights)).ToArray());

        /// <summary>Component <paramref name="k"/>'s log density at <paramref name="x"/> (its height with <paramref name="heights"/>).</summary>
        public double ComponentLogPdf(int k, double x, bool heights)
        {
            var z = (x - Mus[k]) / Sigmas[k];
            var width = heights ? 1 : Sigmas[k];
            return -0.5 * z * z - Math.Log(width * Math.Sqrt(2 * Math.PI)) - Math.Log(Mass(k));
        }

        /// <summary>Component <paramref name="k"/>'s share of its mass in [a, b].</summary>
        public double ComponentMass(int k, double a, double b)
        {
            var lo = Normal.Cdf((Math.Max(a, Low) - Mus[k]) / Sigmas[k]);
            var hi = Normal.Cdf((Math.Min(b, High) - Mus[k]) / Sigmas[k]);
            return Math.Max(hi - lo, 0) / Mass(k);
        }

        private double Mass(int k) => Math.Max(Normal.Cdf((High - Mus[k]) / Sigmas[k]) - Normal.Cdf((Low - Mus[k]) / Sigmas[k]), Eps);

        public double LogMass(double a, double b) =>
            Math.Log(Math.Max(Enumerable.Range(0, Mus.Length).Sum(k => Weights[k] * ComponentMass(k, a, b)), Eps));
    }

    private static double LogSumExp(double[] xs)
    {
        var max = xs.Max();
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(xs.Sum(x => Math.Exp(x - max)));
    }
}
