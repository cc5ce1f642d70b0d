using Keel.Core.Search;

namespace Keel.Search.Samplers;

/// <summary>
/// Optuna 3.1's <c>TPESampler(seed=seed)</c> with its default options, draw for draw: the start-up trials come from its
/// <c>RandomSampler(seed)</c> (one <c>uniform</c> per numeric parameter over the log/half-step-widened bounds, one per choice of a
/// categorical, whose largest wins), the later ones from its own <c>RandomState(seed)</c> (per parameter: 24 component draws by
/// <c>choice</c>, then 24 truncated-normal or categorical draws; the best of the 24 by log l(x) − log g(x)). Both streams are
/// numpy's MT19937 (<see cref="NumpyRandomState"/>) and the arithmetic is Optuna's (<see cref="OptunaNumerics"/>).
/// <para>Optuna's sampler is stateful; this one is not: the position of each stream at a trial is replayed from the trials numbered
/// before it (each took 1 or k draws per parameter in start-up, 2 × 24 after), so the draws of a trial do not depend on which worker
/// asks or on a restart. When an earlier trial has no parameters yet (workers sampling at once), its draws are unknown; the trial
/// then draws from a stream of its own, seeded from (seed, trial number), so concurrent trials never share draws.</para>
/// </summary>
internal sealed class OptunaTpe(int seed, int startupTrials, int eiCandidates, double priorWeight, bool constantLiar = false)
{
    /// <summary>The internal value of <paramref name="param"/> for the trial in <paramref name="context"/>.</summary>
    public double Sample(SamplingContext context, ParamSpec param)
    {
        // Optuna does not ask its sampler for a parameter with one possible value, so such a parameter takes no draws.
        if (Single(param.Distribution) is { } only) return only;
        var history = context.History.OrderBy(t => t.Number).ToArray();
        var seen = context.Seen(context.TrialNumber, history);
        var observed = seen.Where(t => Observed(t, context)).ToArray();
        var startup = observed.Length < startupTrials;
        var rng = Stream(context, history, startup);
        if (startup) return Startup(rng, param.Distribution);
        if (context.Directions.Count > 1) return MultiObjective(rng, observed, param, context.Directions);
        // Optuna's constant liar (one objective only, as in 3.1): the trials still running, their parameters drawn, join the bad
        // side as if they had the worst value; they count neither towards start-up nor towards how many trials are good.
        var lies = constantLiar ? seen.Where(InFlight).ToArray() : [];
        return Tpe(rng, observed, lies, param, context.Direction);
    }

    /// <summary>What Optuna counts and ranks: a complete trial with a value, or a pruned one; in a multi-objective study only a
    /// complete trial with a value per objective (Optuna's multi-objective TPE leaves pruned trials out).</summary>
    private static bool Observed(TrialRecord t, SamplingContext context) => context.Directions.Count > 1
        ? t.Losses(context.Directions) is not null
        : t.State == TrialState.Complete && t.Value is not null || t.State == TrialState.Pruned;

    /// <summary>What the constant liar counts: a trial still running whose parameters have been drawn.</summary>
    internal static bool InFlight(TrialRecord t) => t.State == TrialState.Running && t.Params.Count > 0;

    private int Draws(Distribution d, bool startup) => startup || Single(d) is not null ? RandomDraws(d) : 2 * eiCandidates;

    /// <summary>Draws Optuna's random sampler (<see cref="Startup"/>) takes for one parameter: none for a single value, one per
    /// choice, one for a number.</summary>
    internal static int RandomDraws(Distribution d) => Single(d) is not null ? 0 : d is CategoricalDistribution c ? c.Choices.Count : 1;

    /// <summary>The value of a distribution with only one (Optuna's <c>single()</c>); null otherwise.</summary>
    internal static double? Single(Distribution d) => d switch
    {
        FloatDistribution f when f.Low == f.High => f.Low,
        IntDistribution i when i.Low == i.High => i.Low,
        CategoricalDistribution { Choices.Count: 1 } => 0,
        _ => null,
    };

    /// <summary>The random sampler's stream (start-up) or TPE's, moved on past every draw made before this parameter.</summary>
    private NumpyRandomState Stream(SamplingContext context, TrialRecord[] history, bool startup)
    {
        var earlier = history.Where(t => t.Number < context.TrialNumber).ToArray();
        if (earlier.Any(t => t.Params.Count == 0))
        {
            var own = unchecked((uint)seed * 0x9E3779B1u ^ (uint)(context.TrialNumber + 1) * 0x85EBCA77u ^ (startup ? 0u : 0xC2B2AE3Du));
            var rng = new NumpyRandomState(own);
            rng.Skip(SoFarDraws(context, startup));
            return rng;
        }
        var distributions = context.Space.Params.ToDictionary(p => p.Name, p => p.Distribution, StringComparer.Ordinal);
        long draws = 0;
        var finished = 0;
        for (var k = 0; k < earlier.Length; k++)
        {
            var t = earlier[k];
            // In a sequential run the trials before t had all finished when t was sampled: t was a start-up trial while fewer than
            // the start-up count had been observed (among those its sampler was shown).
            if (context.SeenBy is not null) finished = context.Seen(t.Number, earlier[..k]).Count(e => Observed(e, context));
            if ((finished < startupTrials) == startup)
                draws += t.Params.Keys.Where(name => !context.IsFixed(t.Number, name))
                    .Sum(name => distributions.TryGetValue(name, out var d) ? Draws(d, startup) : 0);
            if (Observed(t, context)) finished++;
        }
        var stream = new NumpyRandomState(unchecked((uint)seed));
        stream.Skip(draws + SoFarDraws(context, startup));
        return stream;
    }

    private long SoFarDraws(SamplingContext context, bool startup) =>
        context.Space.Params.Where(p => context.SoFar.ContainsKey(p.Name) && !context.IsFixed(context.TrialNumber, p.Name))
            .Sum(p => (long)Draws(p.Distribution, startup));

    /// <summary>Optuna's RandomSampler.sample_independent through its search-space transform.</summary>
    internal static double Startup(NumpyRandomState rng, Distribution d)
    {
        switch (d)
        {
            case CategoricalDistribution c:
                var best = 0;
                var bestU = double.NegativeInfinity;
                for (var k = 0; k < c.Choices.Count; k++)
                {
                    var u = rng.Uniform(0, 1);
                    if (u > bestU) (best, bestU) = (k, u);
                }
                return best;
            case FloatDistribution { Log: true } f:
                return Math.Min(Math.Exp(rng.Uniform(Math.Log(f.Low), Math.Log(f.High))), Math.BitDecrement(f.High));
            case FloatDistribution f:
                return Math.Min(rng.Uniform(f.Low, f.High), Math.BitDecrement(f.High));
            case IntDistribution { Log: true } i:
                return Math.Clamp(Math.Round(Math.Exp(rng.Uniform(Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5)))), i.Low, i.High);
            case IntDistribution i:
                return Math.Clamp(Math.Round(rng.Uniform(i.Low - 0.5, i.High + 0.5) - i.Low) + i.Low, i.Low, i.High);
            default:
                throw new ArgumentException($"unknown distribution {d.GetType().Name}");
        }
    }

    private double Tpe(NumpyRandomState rng, TrialRecord[] observed, TrialRecord[] lies, ParamSpec param, Direction direction)
    {
        // Optuna's _split_observation_pairs: complete trials first (step -inf) by loss, then pruned ones by deeper step, then by
        // their last intermediate loss (a stable sort); the best min(ceil(0.1 n), 25) are "below", each side kept in trial order.
        var keys = observed.Select((t, i) => (Index: i, Key: RankKey(t, direction))).OrderBy(x => x.Key.Step).ThenBy(x => x.Key.Loss).Select(x => x.Index).ToArray();
        var nBelow = Math.Min((int)Math.Ceiling(0.1 * observed.Length), 25);
        double[] Side(IEnumerable<TrialRecord> trials) => trials.OrderBy(t => t.Number).Where(t => t.Params.ContainsKey(param.Name))
            .Select(t => t.Params[param.Name]).ToArray();
        var below = Side(keys.Take(nBelow).Select(i => observed[i]));
        // Running trials (constant liar) rank after every observed one, so they are all on the bad side, in trial order.
        var above = Side(keys.Skip(nBelow).Select(i => observed[i]).Concat(lies));
        return Propose(rng, param, below, null, above);
    }

    /// <summary>Optuna's multi-objective TPE (MOTPE): the good side is chosen by non-domination rank and hypervolume
    /// (<see cref="OptunaMultiObjective.Split"/>), kept in the order chosen, each of its components weighed by its trial's
    /// hypervolume contribution among the good trials (the contributions are computed before the trials without this parameter
    /// leave); the other side as in one objective.</summary>
    private double MultiObjective(NumpyRandomState rng, TrialRecord[] observed, ParamSpec param, IReadOnlyList<Direction> directions)
    {
        var losses = observed.Select(t => t.Losses(directions)!).ToArray();
        var nBelow = Math.Min((int)Math.Ceiling(0.1 * observed.Length), 25);
        var (belowIndices, aboveIndices) = OptunaMultiObjective.Split(losses, nBelow);
        var weights = OptunaMultiObjective.BelowWeights(belowIndices.Select(i => losses[i]).ToArray());
        var has = belowIndices.Select(i => observed[i].Params.ContainsKey(param.Name)).ToArray();
        var below = belowIndices.Where((_, k) => has[k]).Select(i => observed[i].Params[param.Name]).ToArray();
        var above = aboveIndices.Select(i => observed[i]).Where(t => t.Params.ContainsKey(param.Name)).Select(t => t.Params[param.Name]).ToArray();
        return Propose(rng, param, below, weights.Where((_, k) => has[k]).ToArray(), above);
    }

    /// <summary>The best of the candidates drawn from the good side's mixture; <paramref name="belowWeights"/> replaces the good
    /// components' default weights (Optuna's predetermined weights) when given.</summary>
    private double Propose(NumpyRandomState rng, ParamSpec param, double[] below, double[]? belowWeights, double[] above) =>
        param.Distribution is CategoricalDistribution c
            ? Categorical(rng, below, belowWeights, above, c.Choices.Count)
            : Numeric(rng, below, belowWeights, above, param.Distribution);

    /// <summary>Optuna's (−step, loss) of an observed trial: complete ones at step −∞ with the value as a loss (negated when
    /// maximising); pruned ones at their last reported step (intermediate values are losses already), or after all without one.</summary>
    private static (double Step, double Loss) RankKey(TrialRecord t, Direction direction)
    {
        if (t.State == TrialState.Complete) return (double.NegativeInfinity, direction.AsLoss(t.Value!.Value));
        if (t.Intermediate.Count == 0) return (1, 0);
        var step = t.Intermediate.Keys.Max();
        var v = t.Intermediate[step];
        return (-step, double.IsNaN(v) ? double.PositiveInfinity : v);
    }

    /// <summary>Optuna's default_weights(n), or the <paramref name="given"/> ones, with the prior's weight appended, normalised by
    /// numpy's sum.</summary>
    private double[] Weights(int n, double[]? given = null)
    {
        var w = new double[n + 1];
        if (given is not null) given.AsSpan(0, n).CopyTo(w);
        else if (n < 25) Array.Fill(w, 1.0, 0, n);
        else
        {
            var ramp = n - 25;
            double start = 1.0 / n, step = (1.0 - start) / (ramp - 1);
            for (var i = 0; i < ramp; i++) w[i] = ramp == 1 ? start : i * step + start;
            if (ramp > 1) w[ramp - 1] = 1.0;
            Array.Fill(w, 1.0, ramp, 25);
        }
        w[n] = priorWeight;
        var total = OptunaNumerics.PairwiseSum(w);
        for (var i = 0; i <= n; i++) w[i] /= total;
        return w;
    }

    private int Categorical(NumpyRandomState rng, double[] below, double[]? belowWeights, double[] above, int choices)
    {
        var (lw, lrows) = CategoricalMixture(below, belowWeights, choices);
        var (_, grows) = CategoricalMixture(above, null, choices);
        var gw = Weights(above.Length);
        var active = rng.Choice(lw, eiCandidates);
        var samples = new int[eiCandidates];
        for (var i = 0; i < eiCandidates; i++)
        {
            var u = rng.RandomSample();
            var row = lrows[active[i]];
            var cum = 0.0;
            var count = 0;
            foreach (var p in row)
            {
                cum += p;
                if (cum < u) count++;
            }
            samples[i] = count;
        }
        var pl = Marginal(lrows, lw, choices);
        var pg = Marginal(grows, gw, choices);
        return samples[ArgMax(samples.Select(x => Math.Log(pl[x]) - Math.Log(pg[x])).ToArray())];
    }

    /// <summary>The component weights and each component's choice probabilities: prior weight / (n + 1) on every choice, 1 more on
    /// the observed one, normalised per row; the prior's row is uniform.</summary>
    private (double[] Weights, double[][] Rows) CategoricalMixture(double[] observed, double[]? weights, int choices)
    {
        var value = priorWeight / (observed.Length + 1);
        var rows = new double[observed.Length + 1][];
        for (var i = 0; i <= observed.Length; i++)
        {
            var row = new double[choices];
            Array.Fill(row, value);
            if (i < observed.Length) row[(int)observed[i]] += 1;
            var total = OptunaNumerics.PairwiseSum(row);
            for (var k = 0; k < choices; k++) row[k] /= total;
            rows[i] = row;
        }
        return (Weights(observed.Length, weights), rows);
    }

    /// <summary>Σ_j w_j rows_j, summed in component order (numpy's inner product through reference BLAS).</summary>
    private static double[] Marginal(double[][] rows, double[] w, int choices)
    {
        var p = new double[choices];
        for (var k = 0; k < choices; k++)
        {
            var acc = 0.0;
            for (var j = 0; j < rows.Length; j++) acc += rows[j][k] * w[j];
            p[k] = acc;
        }
        return p;
    }

    private double Numeric(NumpyRandomState rng, double[] below, double[]? belowWeights, double[] above, Distribution d)
    {
        var (low, high) = NumericBounds.Of(d);
        var l = Parzen(below, belowWeights, d, low, high);
        var g = Parzen(above, null, d, low, high);
        var active = rng.Choice(l.Weights, eiCandidates);
        var samples = new double[eiCandidates];
        for (var i = 0; i < eiCandidates; i++)
        {
            var k = active[i];
            var a = (low - l.Mus[k]) / l.Sigmas[k];
            var b = (high - l.Mus[k]) / l.Sigmas[k];
            samples[i] = OptunaNumerics.Ppf(rng.Uniform(0, 1), a, b) * l.Sigmas[k] + l.Mus[k];
        }
        // Back to the parameter's values (exp for log scales, integers rounded half to even and clipped), as Optuna returns them.
        for (var i = 0; i < eiCandidates; i++)
        {
            samples[i] = d switch
            {
                FloatDistribution { Log: true } => Math.Exp(samples[i]),
                IntDistribution { Log: true } i2 => Math.Clamp(Math.Round(Math.Exp(samples[i])), i2.Low, i2.High),
                IntDistribution i2 => Math.Clamp(Math.Round(samples[i] - i2.Low) + i2.Low, i2.Low, i2.High),
                _ => samples[i],
            };
        }
        var scores = samples.Select(x => LogPdf(l, d, low, high, x) - LogPdf(g, d, low, high, x)).ToArray();
        var chosen = samples[ArgMax(scores)];
        return d is FloatDistribution f ? Math.Clamp(chosen, f.Low, f.High) : chosen;
    }

    private sealed record Mixture(double[] Mus, double[] Sigmas, double[] Weights);

    /// <summary>One side's Parzen estimator: a component at each observation (log-transformed on log scales) and the prior at the
    /// centre; each width the larger gap to its sorted neighbours (the outermost take their inner gap), clipped to
    /// [range / min(100, n + 2), range]; the prior's the range.</summary>
    private Mixture Parzen(double[] observed, double[]? weights, Distribution d, double low, double high)
    {
        var n = observed.Length;
        var mus = new double[n + 1];
        for (var i = 0; i < n; i++) mus[i] = NumericBounds.To(d, observed[i]);
        mus[n] = 0.5 * (low + high);
        var order = OptunaNumerics.Argsort(mus);
        var ends = new double[n + 3];
        ends[0] = low;
        for (var i = 0; i <= n; i++) ends[i + 1] = mus[order[i]];
        ends[^1] = high;
        var sorted = new double[n + 1];
        for (var i = 0; i <= n; i++) sorted[i] = Math.Max(ends[i + 1] - ends[i], ends[i + 2] - ends[i + 1]);
        if (ends.Length >= 4)
        {
            sorted[0] = ends[2] - ends[1];
            sorted[^1] = ends[^2] - ends[^3];
        }
        var sigmas = new double[n + 1];
        for (var i = 0; i <= n; i++) sigmas[order[i]] = sorted[i];
        var maxSigma = 1.0 * (high - low);
        var minSigma = 1.0 * (high - low) / Math.Min(100.0, 1.0 + mus.Length);
        for (var i = 0; i <= n; i++) sigmas[i] = Math.Min(Math.Max(sigmas[i], minSigma), maxSigma);
        sigmas[n] = 1.0 * (high - low);
        return new Mixture(mus, sigmas, Weights(n, weights));
    }

    /// <summary>The mixture's log density at <paramref name="value"/> (a parameter value): truncated Gaussians without the log of
    /// their scale, or for linear integers each component's mass over the value's unit bin.</summary>
    private static double LogPdf(Mixture m, Distribution d, double low, double high, double value)
    {
        var x = NumericBounds.To(d, value);
        var terms = new double[m.Mus.Length];
        for (var j = 0; j < terms.Length; j++)
        {
            double mu = m.Mus[j], sigma = m.Sigmas[j];
            double a = (low - mu) / sigma, b = (high - mu) / sigma;
            var logPdf = d is IntDistribution { Log: false }
                ? OptunaNumerics.LogGaussMass((Math.Max(x - 0.5, low) - mu) / sigma, (Math.Min(x + 0.5, high) - mu) / sigma) - OptunaNumerics.LogGaussMass(a, b)
                : OptunaNumerics.TruncLogPdf(x, a, b, mu, sigma);
            terms[j] = logPdf + Math.Log(m.Weights[j]);
        }
        var max = terms.Max();
        for (var j = 0; j < terms.Length; j++) terms[j] = Math.Exp(terms[j] - max);
        return Math.Log(OptunaNumerics.PairwiseSum(terms)) + max;
    }

    /// <summary>numpy's argmax: the first maximum (the first NaN if any).</summary>
    private static int ArgMax(double[] xs)
    {
        var best = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            if (double.IsNaN(xs[i])) return i;
            if (xs[i] > xs[best]) best = i;
        }
        return best;
    }
}
