using System.Globalization;

namespace Keel.Search;

/// <summary>Where one parameter's values come from. Values travel in an internal representation: the number itself for
/// numeric distributions, the choice's index for categorical ones (as Optuna stores them).</summary>
public abstract record Distribution
{
    /// <summary>Whether <paramref name="internalValue"/> is a value this distribution can give.</summary>
    public abstract bool Contains(double internalValue);

    /// <summary>The value as an option string for a trainer (invariant culture).</summary>
    public abstract string Format(double internalValue);

    /// <summary>Whether values are spread in log space (a log float or int range): samplers, charts and binning work on log(value).</summary>
    public bool IsLog => this is FloatDistribution { Log: true } or IntDistribution { Log: true };
}

/// <summary>A real number in [<paramref name="Low"/>, <paramref name="High"/>]; with <paramref name="Log"/>, uniform in log space (Low must be positive).</summary>
public sealed record FloatDistribution(double Low, double High, bool Log = false) : Distribution
{
    public override bool Contains(double internalValue) => internalValue >= Low && internalValue <= High;

    public override string Format(double internalValue) => internalValue.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>An integer in [<paramref name="Low"/>, <paramref name="High"/>]; with <paramref name="Log"/>, log-uniform (Low must be at least 1).</summary>
public sealed record IntDistribution(int Low, int High, bool Log = false) : Distribution
{
    public override bool Contains(double internalValue) => internalValue >= Low && internalValue <= High && internalValue == Math.Round(internalValue);

    public override string Format(double internalValue) => ((long)Math.Round(internalValue)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>One of a fixed list of choices (strings, as trainer options are).</summary>
public sealed record CategoricalDistribution(IReadOnlyList<string> Choices) : Distribution
{
    public override bool Contains(double internalValue) => internalValue >= 0 && internalValue < Choices.Count && internalValue == Math.Round(internalValue);

    public override string Format(double internalValue) => Choices[(int)internalValue];

    /// <summary>Records compare lists by reference; two categorical distributions are equal when their choices are.</summary>
    public bool Equals(CategoricalDistribution? other) => other is not null && Choices.SequenceEqual(other.Choices);

    public override int GetHashCode() => Choices.Aggregate(17, (h, c) => h * 31 + StringComparer.Ordinal.GetHashCode(c));
}

/// <summary>One parameter of a search space; with <see cref="When"/>, it exists only when an earlier categorical parameter has one
/// value (a conditional parameter, e.g. a dropout rate only when the booster is dart).</summary>
public sealed record ParamSpec(string Name, Distribution Distribution)
{
    /// <summary>The condition (parameter name, choice) under which this parameter exists; null (the default) always.</summary>
    public (string Param, string Choice)? When { get; init; }
}

/// <summary>The parameters of one group (candidate family), in order: conditions refer to earlier parameters.</summary>
public sealed record SearchSpace(IReadOnlyList<ParamSpec> Params)
{
    /// <summary>Checks names are unique, bounds ordered and every condition refers to an earlier categorical choice.</summary>
    /// <exception cref="ArgumentException">The space is malformed; the message names the parameter.</exception>
    public void Validate()
    {
        var seen = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (var p in Params)
        {
            var problem = p.Distribution switch
            {
                FloatDistribution f when !(f.Low <= f.High) || !double.IsFinite(f.Low) || !double.IsFinite(f.High) => $"low {f.Low} must not be above high {f.High}",
                FloatDistribution { Log: true, Low: <= 0 } f => $"log scale needs low above 0, got {f.Low}",
                IntDistribution i when i.Low > i.High => $"low {i.Low} must not be above high {i.High}",
                IntDistribution { Log: true, Low: < 1 } i => $"log scale needs low at least 1, got {i.Low}",
                CategoricalDistribution { Choices.Count: 0 } => "expected at least one choice",
                _ => null,
            };
            if (problem is null && seen.ContainsKey(p.Name)) problem = "appears twice";
            if (problem is null && p.When is { } w && !(seen.TryGetValue(w.Param, out var parent) && parent is CategoricalDistribution c && c.Choices.Contains(w.Choice)))
                problem = $"its condition needs an earlier categorical parameter '{w.Param}' with choice '{w.Choice}'";
            if (problem is not null) throw new ArgumentException($"parameter '{p.Name}': {problem}");
            seen[p.Name] = p.Distribution;
        }
    }

    /// <summary>The parameters active for <paramref name="values"/> (conditions met), in order.</summary>
    public IEnumerable<ParamSpec> Active(IReadOnlyDictionary<string, double> values) => Params.Where(p => IsActive(p, values));

    /// <summary>Whether <paramref name="p"/> exists given the values chosen so far: no condition, or its parent has the named choice.</summary>
    public bool IsActive(ParamSpec p, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(values);
        return p.When is not { } w || (values.TryGetValue(w.Param, out var v) && Params.First(q => q.Name == w.Param).Distribution is CategoricalDistribution c
            && c.Choices[(int)v] == w.Choice);
    }
}
