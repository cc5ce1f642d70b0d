namespace Keel.Search.Samplers;

/// <summary>Options of the grid sampler.</summary>
public sealed record GridSamplerOptions
{
    /// <summary>Points per numeric parameter when the grid is derived from a space (evenly spaced, in log space for log scales). Default 5.</summary>
    public int PointsPerNumeric { get; init; } = 5;

    /// <summary>Explicit grid values (internal representation) per parameter, overriding the derived points. Default: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Values { get; init; } = new Dictionary<string, IReadOnlyList<double>>();
}

/// <summary>Every combination of the grid in turn: trial number k takes combination k (wrapping round when the plan is larger),
/// the first parameter varying slowest. Inactive conditional parameters are simply not asked for.</summary>
internal sealed class GridSampler(GridSamplerOptions options) : ISampler
{
    public double Sample(SamplingContext context, ParamSpec param)
    {
        var grids = context.Space.Params.Select(p => Points(p)).ToArray();
        var index = context.Space.Params.ToList().FindIndex(p => p.Name == param.Name);
        long total = grids.Aggregate(1L, (a, g) => a * g.Count);
        var k = context.TrialNumber % total;
        long below = 1;
        for (var i = grids.Length - 1; i > index; i--) below *= grids[i].Count;
        return grids[index][(int)(k / below % grids[index].Count)];
    }

    /// <summary>The grid points of one parameter.</summary>
    public IReadOnlyList<double> Points(ParamSpec p)
    {
        if (options.Values.TryGetValue(p.Name, out var given)) return given;
        var n = Math.Max(1, options.PointsPerNumeric);
        switch (p.Distribution)
        {
            case CategoricalDistribution c:
                return Enumerable.Range(0, c.Choices.Count).Select(i => (double)i).ToArray();
            case FloatDistribution f:
                {
                    var (lo, hi) = f.Log ? (Math.Log(f.Low), Math.Log(f.High)) : (f.Low, f.High);
                    return Enumerable.Range(0, n).Select(i => n == 1 ? lo : lo + (hi - lo) * i / (n - 1))
                        .Select(x => f.Log ? Math.Clamp(Math.Exp(x), f.Low, f.High) : x).Distinct().ToArray();
                }
            case IntDistribution d:
                {
                    var (lo, hi) = d.Log ? (Math.Log(d.Low), Math.Log(d.High)) : (d.Low, d.High);
                    return Enumerable.Range(0, n).Select(i => n == 1 ? lo : lo + (hi - lo) * i / (n - 1))
                        .Select(x => Math.Clamp(Math.Round(d.Log ? Math.Exp(x) : x), d.Low, d.High)).Distinct().ToArray();
                }
            default:
                throw new ArgumentException($"unknown distribution {p.Distribution.GetType().Name}");
        }
    }
}
