using Keel.Search;

namespace Keel.Pipeline.Search;

/// <summary>A family's two most important parameters against each other, one dot per complete trial that has both, grouped into the
/// best, middle and worst third of those trials by the objective: where in the pair's plane the good trials lie (what Optuna's
/// <c>plot_contour</c> shows, as dots rather than an interpolated surface). Log ranges are drawn as log10, a categorical parameter
/// by its choice's number.</summary>
/// <param name="Family">The candidate family.</param>
/// <param name="X">The most important parameter (by ε², then space order).</param>
/// <param name="Y">The second.</param>
/// <param name="Thirds">Best, middle and worst third: each a label and its dots (x, y as drawn).</param>
public sealed record ParameterPair(string Family, ParamSpec X, ParamSpec Y, IReadOnlyList<(string Label, IReadOnlyList<(double X, double Y)> Dots)> Thirds)
{
    /// <summary>The chart's title, e.g. "lightgbm: learning_rate against number_of_leaves, trials by auc".</summary>
    public string Title(string metric) => $"{Family}: {Y.Name} against {X.Name}, trials by {metric}";

    /// <summary>An axis label: log10(name) for a log range, the choices' numbers for a categorical parameter, else the name.</summary>
    public static string Axis(ParamSpec p) => p.Distribution switch
    {
        CategoricalDistribution c => $"{p.Name} ({string.Join(", ", c.Choices.Select((choice, i) => $"{i} = {choice}"))})",
        _ when p.Distribution.IsLog => $"log10({p.Name})",
        _ => p.Name,
    };

    /// <summary>The pair for <paramref name="family"/>: its parameters ordered by their share in <paramref name="importance"/> (every
    /// family's, as <see cref="ParameterImportance"/> gives them), then by the space's order; null with fewer than two parameters or
    /// fewer than three complete trials that have both.</summary>
    public static ParameterPair? Of(string family, SearchSpace space, IEnumerable<ParamImportance> importance,
        IReadOnlyList<(IReadOnlyDictionary<string, double> Params, double Value)> complete, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(space);
        var order = importance.Where(i => i.Family == family).OrderByDescending(i => i.Share).Select(i => i.Param).Concat(space.Params.Select(p => p.Name)).Distinct(StringComparer.Ordinal)
            .Select(n => space.Params.FirstOrDefault(p => p.Name == n)).OfType<ParamSpec>().Take(2).ToArray();
        if (order.Length < 2) return null;
        var (x, y) = (order[0], order[1]);
        var both = complete.Where(t => t.Params.ContainsKey(x.Name) && t.Params.ContainsKey(y.Name) && double.IsFinite(t.Value)).ToArray();
        if (both.Length < 3) return null;
        var ranked = (higherIsBetter ? both.OrderByDescending(t => t.Value) : both.OrderBy(t => t.Value)).ToArray();
        static double Drawn(ParamSpec p, double v) => p.Distribution.IsLog ? Math.Log10(v) : v;
        var thirds = new[] { "best third", "middle third", "worst third" }.Select((label, k) => (label,
            (IReadOnlyList<(double, double)>)ranked.Where((_, r) => r * 3 / ranked.Length == k).Select(t => (Drawn(x, t.Params[x.Name]), Drawn(y, t.Params[y.Name]))).ToArray()))
            .ToArray();
        return new ParameterPair(family, x, y, thirds);
    }
}
