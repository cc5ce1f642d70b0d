namespace Keel.Search.Samplers;

/// <summary>Options of the random sampler.</summary>
public sealed record RandomSamplerOptions
{
    /// <summary>Seed of every draw. Default 42.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>Uniform draws (in log space for log distributions), as Optuna's RandomSampler.</summary>
internal sealed class RandomSampler(RandomSamplerOptions options) : ISampler
{
    public double Sample(SamplingContext context, ParamSpec param) =>
        Draw(TrialRandom.For(options.Seed, context.TrialNumber, param.Name), param.Distribution);

    /// <summary>One uniform draw from <paramref name="distribution"/> (integers rounded after a draw over [low - 0.5, high + 0.5]).</summary>
    public static double Draw(Random rng, Distribution distribution)
    {
        switch (distribution)
        {
            case CategoricalDistribution c:
                return rng.Next(c.Choices.Count);
            case FloatDistribution f:
                if (f.Log) return Math.Clamp(Math.Exp(Uniform(rng, Math.Log(f.Low), Math.Log(f.High))), f.Low, f.High);
                return Uniform(rng, f.Low, f.High);
            case IntDistribution i:
                var (lo, hi) = NumericBounds.Of(i);
                return NumericBounds.Back(i, Uniform(rng, lo, hi));
            default:
                throw new ArgumentException($"unknown distribution {distribution.GetType().Name}");
        }
    }

    private static double Uniform(Random rng, double low, double high) => low + rng.NextDouble() * (high - low);
}

/// <summary>Numeric distributions in the space TPE and random sampling work in: log for log scales; integers widened by half a step.</summary>
internal static class NumericBounds
{
    public static (double Low, double High) Of(Distribution d) => d switch
    {
        FloatDistribution { Log: true } f => (Math.Log(f.Low), Math.Log(f.High)),
        FloatDistribution f => (f.Low, f.High),
        IntDistribution { Log: true } i => (Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5)),
        IntDistribution i => (i.Low - 0.5, i.High + 0.5),
        _ => throw new ArgumentException($"not numeric: {d.GetType().Name}"),
    };

    public static double To(Distribution d, double value) => d.IsLog ? Math.Log(value) : value;

    public static double Back(Distribution d, double transformed) => d switch
    {
        FloatDistribution { Log: true } f => Math.Clamp(Math.Exp(transformed), f.Low, f.High),
        FloatDistribution f => Math.Clamp(transformed, f.Low, f.High),
        IntDistribution { Log: true } i => Math.Clamp(Math.Round(Math.Exp(transformed)), i.Low, i.High),
        IntDistribution i => Math.Clamp(Math.Round(transformed), i.Low, i.High),
        _ => throw new ArgumentException($"not numeric: {d.GetType().Name}"),
    };
}
