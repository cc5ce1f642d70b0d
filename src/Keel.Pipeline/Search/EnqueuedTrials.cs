using Keel.Core;
using Keel.Core.Spec;
using Keel.Search;

namespace Keel.Pipeline.Search;

/// <summary>The trials a search runs with options it did not sample: search.enqueue's, and each family's defaults first
/// (search.start_from_defaults), by trial number as internal values of the families' spaces.</summary>
internal static class EnqueuedTrials
{
    /// <summary>search.enqueue as trial number → given internal values, each checked against its family's space (a categorical option
    /// by its choice, a number inside its range, an integer whole).</summary>
    /// <exception cref="KeelInputException">An unknown or unsearched family or option, a value outside the space, a trial past the
    /// budget, or the grid sampler (which walks its grid by trial number).</exception>
    public static Dictionary<int, IReadOnlyDictionary<string, double>> Given(SearchSpec search, IReadOnlyList<string> families,
        Dictionary<string, SearchSpace> spaces, Dictionary<string, IReadOnlyDictionary<string, string>> fixedOptions, int? trials, string specName)
    {
        var result = new Dictionary<int, IReadOnlyDictionary<string, double>>();
        if (search.Enqueue.Count > 0 && search.Sampler == "grid")
            throw new KeelInputException($"{specName} field 'search.enqueue': the grid sampler walks its grid by trial number; enqueue trials with tpe, tpe-multivariate, nsga2 or random.");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < search.Enqueue.Count; i++)
        {
            var (family, options) = (search.Enqueue[i].Family, search.Enqueue[i].Options);
            var field = $"{specName} field 'search.enqueue[{i}]";
            var index = families.ToList().IndexOf(family);
            if (index < 0) throw new KeelInputException($"{field}.family': '{family}' is not searched; the families are {string.Join(", ", families)}.");
            var k = seen[family] = seen.GetValueOrDefault(family) + 1;
            var number = index + (k - 1) * families.Count;
            if (trials is { } planned && number >= planned)
            {
                throw new KeelInputException($"{field}': it would be {family}'s trial {k}, trial {number} of the study (trial n belongs to family n mod " +
                    $"{families.Count}), past the budget of {planned} trials.");
            }
            var space = spaces[family];
            var given = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, text) in options)
            {
                var p = space.Params.FirstOrDefault(q => q.Name == name) ?? throw new KeelInputException(
                    fixedOptions[family].ContainsKey(name)
                        ? $"{field}.options.{name}': the spec's {family} model fixes it (models), so it is not searched; leave it out here."
                        : $"{field}.options.{name}': not a parameter of {family}'s search space ({string.Join(", ", space.Params.Select(q => q.Name))}).");
                given[name] = Internal(p, text) ?? throw new KeelInputException($"{field}.options.{name}': expected {Expected(p)}, got '{text}'.");
            }
            result[number] = given;
        }
        return result;
    }

    /// <summary>
    /// search.start_from_defaults: each family without enqueued trials gets its first trial (trial number = the family's position) with
    /// the values its trainer takes by default for this run (row-count-dependent ones fixed from the training rows, as keel run fixes
    /// them), for every parameter of its space that holds that value; the others are sampled.
    /// </summary>
    /// <returns>The trial numbers added.</returns>
    public static HashSet<int> AddDefaults(PreparedRun run, IReadOnlyList<string> families, Dictionary<string, SearchSpace> spaces, int? trials,
        Dictionary<int, IReadOnlyDictionary<string, double>> enqueued)
    {
        var added = new HashSet<int>();
        for (var i = 0; i < families.Count && (trials is not { } planned || i < planned); i++)
        {
            var family = families[i];
            // A family's enqueued trials come first, from its first trial on: the spec chose where it starts.
            if (enqueued.ContainsKey(i)) continue;
            var trainer = TrialRunner.Trainer(run, family, TrialRunner.SpecOptions(run.Spec, family));
            var defaults = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in spaces[family].Params)
            {
                if (trainer.EffectiveParams.TryGetValue(p.Name, out var text) && Internal(p, text) is { } value) defaults[p.Name] = value;
            }
            if (defaults.Count == 0) continue;
            enqueued[i] = defaults;
            added.Add(i);
        }
        return added;
    }

    /// <summary>The internal value of <paramref name="text"/> for <paramref name="p"/>, or null when the space cannot give it.</summary>
    private static double? Internal(ParamSpec p, string text)
    {
        if (p.Distribution is CategoricalDistribution c)
        {
            var i = c.Choices.ToList().FindIndex(x => string.Equals(x, text, StringComparison.OrdinalIgnoreCase));
            return i >= 0 ? i : null;
        }
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && p.Distribution.Contains(v) ? v : null;
    }

    private static string Expected(ParamSpec p) => p.Distribution switch
    {
        CategoricalDistribution c => $"one of {string.Join(", ", c.Choices)}",
        IntDistribution i => $"a whole number in [{i.Low}, {i.High}]",
        FloatDistribution f => $"a number in [{f.Low.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {f.High.ToString(System.Globalization.CultureInfo.InvariantCulture)}]",
        _ => "a value of its space",
    };
}
