using System.Globalization;
using Keel.Core;
using Keel.Core.Spec;
using Keel.Search;
using Keel.Training;

namespace Keel.Pipeline.Search;

/// <summary>The default search space of every tunable trainer type, and the spec's ranges merged over it.</summary>
/// <remarks>Rounds (number_of_iterations, number_of_trees of boosted types) are not searched: early stopping on validation picks
/// them, and the pruner cuts weak trials along them.</remarks>
public static class SearchSpaces
{
    /// <summary>The trainer types that can be searched, in family order (the default families are those among a run's default
    /// candidates: random_forest up to 200,000 data rows, fastforest above).</summary>
    public static IReadOnlyList<string> Tunable { get; } = ["linear", "lightgbm", "fasttree", "random_forest", "fastforest"];

    private static ParamSpec Log(string name, double low, double high) => new(name, new FloatDistribution(low, high, Log: true));
    private static ParamSpec LogInt(string name, int low, int high) => new(name, new IntDistribution(low, high, Log: true));

    /// <summary>Each type's default space: learning rates and regularisation log-uniform, leaf counts and leaf sizes log-uniform integers.</summary>
    public static IReadOnlyDictionary<string, SearchSpace> Defaults { get; } = new Dictionary<string, SearchSpace>(StringComparer.Ordinal)
    {
        ["linear"] = new([Log("l2_regularization", 1e-4, 100)]),
        ["lightgbm"] = new([Log("learning_rate", 0.01, 0.3), LogInt("number_of_leaves", 4, 256), LogInt("minimum_example_count_per_leaf", 2, 200),
            new ParamSpec("l2_regularization", new FloatDistribution(0, 10))]),
        ["fasttree"] = new([Log("learning_rate", 0.02, 0.5), LogInt("number_of_leaves", 4, 128), LogInt("minimum_example_count_per_leaf", 2, 100)]),
        ["fastforest"] = new([new ParamSpec("number_of_trees", new IntDistribution(50, 300)), LogInt("number_of_leaves", 4, 256),
            LogInt("minimum_example_count_per_leaf", 1, 50)]),
        // Keel's forest: trees grow until pure, so leaf size is its complexity knob; feature_fraction spans √(features)/features on
        // wide sets up to every feature (regression's default).
        ["random_forest"] = new([new ParamSpec("number_of_trees", new IntDistribution(50, 300)), new ParamSpec("feature_fraction", new FloatDistribution(0.1, 1)),
            LogInt("minimum_example_count_per_leaf", 1, 20)]),
    };

    /// <summary>lightgbm's categorical handling, searched when the run has a categorical feature column (<see cref="ForData"/>): native
    /// splits or the shared one-hot slots, and under native splits the fewest rows on each side of a categorical split
    /// (LightGBM's min_data_per_group, whose default 100 holds such splits back on small sets), a conditional parameter.</summary>
    public static IReadOnlyList<ParamSpec> LightGbmCategorical { get; } =
    [
        new("categorical_split", new CategoricalDistribution(["true", "false"])),
        LogInt("minimum_example_count_per_group", 5, 200) with { When = ("categorical_split", "true") },
    ];

    /// <summary>The parameters a family's space gains from the run's data: <see cref="LightGbmCategorical"/> for lightgbm when a
    /// feature column is categorical; none otherwise.</summary>
    public static IReadOnlyList<ParamSpec> ForData(string family, PreparedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return family == "lightgbm" && run.Features.Columns.Any(c => c.Type == Keel.Core.Data.ColumnType.Categorical) ? LightGbmCategorical : [];
    }

    /// <summary>The option that counts boosting rounds, for boosted types; null otherwise.</summary>
    public static string? RoundsOption(string type) => type switch
    {
        "lightgbm" => "number_of_iterations",
        "fasttree" => "number_of_trees",
        _ => null,
    };

    /// <summary>The families searched: search.families, else the tunable types among the run's candidates (the spec's models, or
    /// without models keel run's default candidates for the data's size), else those among the default candidates.</summary>
    /// <exception cref="KeelInputException">A family is not a tunable type, or appears twice.</exception>
    public static IReadOnlyList<string> Families(PreparedRun run, string specName)
    {
        ArgumentNullException.ThrowIfNull(run);
        var given = run.Spec.Search?.Families ?? [];
        if (given.Count == 0)
        {
            var fromModels = run.Candidates.Select(c => c.Spec.Type).Where(Tunable.Contains).Distinct().ToArray();
            return fromModels.Length > 0 ? fromModels
                : TrainerCatalog.DefaultCandidates(run.Task, run.Table.RowCount).Select(m => m.Type).Where(Tunable.Contains).ToArray();
        }
        for (var i = 0; i < given.Count; i++)
        {
            if (!Tunable.Contains(given[i]))
                throw new KeelInputException($"{specName} field 'search.families[{i}]': '{given[i]}' cannot be searched; expected one of: {string.Join(", ", Tunable)}.");
            if (given.Take(i).Contains(given[i])) throw new KeelInputException($"{specName} field 'search.families[{i}]': '{given[i]}' appears twice.");
        }
        return given;
    }

    /// <summary>The space of <paramref name="family"/>: its default and <paramref name="fromData"/> (<see cref="ForData"/>) less the
    /// options the spec's model of that type fixes (<paramref name="fixedOptions"/>), with the spec's ranges replacing parameters of the
    /// same name and adding others.</summary>
    /// <remarks>A default range never overrides what the spec wrote: an option the spec fixes leaves the default space, and a parameter
    /// conditional on a fixed choice (by the model's options or by a single value in the spec's ranges) is searched when the fixed
    /// value is its choice and left out otherwise. The spec's own ranges name
    /// parameters deliberately, so they are searched even when the model's options give a value.</remarks>
    /// <exception cref="KeelInputException">Ranges for a family not searched, or a malformed range.</exception>
    public static SearchSpace For(string family, SearchSpec? search, string specName, IReadOnlyList<ParamSpec>? fromData = null,
        IReadOnlyDictionary<string, string>? fixedOptions = null)
    {
        var space = Defaults[family].Params.Concat(fromData ?? []).Select(p => Unfixed(p, fixedOptions)).OfType<ParamSpec>().ToList();
        if (search?.Spaces.TryGetValue(family, out var ranges) == true)
        {
            foreach (var (name, r) in ranges)
            {
                var field = $"search.spaces.{family}.{name}";
                var p = new ParamSpec(name, Distribution(r, field, specName));
                if (r.When is { } w) p = p with { When = (w.Split('=')[0], w.Split('=')[1]) };
                var at = space.FindIndex(q => q.Name == name);
                if (at >= 0) space[at] = p;
                else space.Add(p);
            }
            // A parent the spec's ranges fix to one choice settles its default children, as a model's fixed option does: searched
            // without the condition when it is their choice, left out otherwise.
            for (var i = space.Count - 1; i >= 0; i--)
            {
                if (space[i].When is not { } w || ranges.ContainsKey(space[i].Name)) continue;
                if (space.Find(q => q.Name == w.Param)?.Distribution is not CategoricalDistribution { Choices.Count: 1 } only) continue;
                if (Settled(space[i], only.Choices[0]) is { } settled) space[i] = settled;
                else space.RemoveAt(i);
            }
        }
        var result = new SearchSpace(space);
        try
        {
            result.Validate();
        }
        catch (ArgumentException e)
        {
            throw new KeelInputException($"{specName} field 'search.spaces.{family}': {e.Message}.", e);
        }
        return result;
    }

    /// <summary><paramref name="p"/> as a default range under the spec's fixed options: null when the spec fixes it or fixes its
    /// condition to another choice, unconditional when the spec fixes its condition to its choice.</summary>
    private static ParamSpec? Unfixed(ParamSpec p, IReadOnlyDictionary<string, string>? fixedOptions)
    {
        if (fixedOptions is null) return p;
        if (fixedOptions.ContainsKey(p.Name)) return null;
        if (p.When is not { } w || !fixedOptions.TryGetValue(w.Param, out var value)) return p;
        return Settled(p, value);
    }

    /// <summary>Conditional <paramref name="p"/> once its parent is fixed to <paramref name="parentValue"/>: unconditional when that is its
    /// choice, null (left out) otherwise.</summary>
    private static ParamSpec? Settled(ParamSpec p, string parentValue) =>
        string.Equals(parentValue, p.When!.Value.Choice, StringComparison.OrdinalIgnoreCase) ? p with { When = null } : null;

    private static Distribution Distribution(ParamRangeSpec r, string field, string specName)
    {
        if (r.Choices.Count > 0) return new CategoricalDistribution(r.Choices);
        if (r.Integer)
        {
            if (r.Low < int.MinValue || r.High > int.MaxValue) throw new KeelInputException($"{specName} field '{field}': integer bounds out of range.");
            return new IntDistribution((int)r.Low!.Value, (int)r.High!.Value, r.Log);
        }
        return new FloatDistribution(r.Low!.Value, r.High!.Value, r.Log);
    }

    /// <summary>A space read back from <see cref="Describe"/>'s line (as a study's definition stores it): kinds, choices, log scales
    /// and conditions exactly; range ends as written (4 significant digits), which is enough to show and rank trial values, not to
    /// sample from.</summary>
    /// <exception cref="FormatException">A parameter is not in Describe's form.</exception>
    public static SearchSpace Parse(string described)
    {
        ArgumentNullException.ThrowIfNull(described);
        return new SearchSpace(described.Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(ParseParam).ToList());
    }

    private static ParamSpec ParseParam(string text)
    {
        var (body, when) = text.LastIndexOf(" when ", StringComparison.Ordinal) is var w and >= 0 ? (text[..w], text[(w + 6)..]) : (text, null);
        var cut = body.IndexOf(' ', StringComparison.Ordinal);
        if (cut <= 0) throw new FormatException($"'{text}': expected NAME RANGE");
        var (name, range) = (body[..cut], body[(cut + 1)..]);
        Distribution distribution;
        if (range.StartsWith('{') && range.EndsWith('}')) distribution = new CategoricalDistribution(range[1..^1].Split(", "));
        else
        {
            var integer = range.StartsWith("int ", StringComparison.Ordinal);
            if (integer) range = range[4..];
            var log = range.StartsWith("log", StringComparison.Ordinal);
            if (log) range = range[3..];
            var ends = range.StartsWith('[') && range.EndsWith(']') ? range[1..^1].Split(", ") : [];
            if (ends.Length != 2 || !double.TryParse(ends[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var low)
                || !double.TryParse(ends[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var high))
                throw new FormatException($"'{text}': expected [LOW, HIGH], int [LOW, HIGH] or {{CHOICES}}, optionally log");
            distribution = integer ? new IntDistribution((int)low, (int)high, log) : new FloatDistribution(low, high, log);
        }
        var p = new ParamSpec(name, distribution);
        return when?.Split('=', 2) is [var param, var choice] ? p with { When = (param, choice) } : p;
    }

    /// <summary>A one-line description of a space, e.g. "learning_rate log[0.01, 0.3]; number_of_leaves int log[4, 256]".</summary>
    public static string Describe(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        return string.Join("; ", space.Params.Select(p => p.Name + " " + p.Distribution switch
        {
            FloatDistribution f => $"{(f.Log ? "log" : "")}[{F(f.Low)}, {F(f.High)}]",
            IntDistribution i => $"int {(i.Log ? "log" : "")}[{i.Low}, {i.High}]",
            CategoricalDistribution c => "{" + string.Join(", ", c.Choices) + "}",
            _ => "?",
        } + (p.When is { } w ? $" when {w.Param}={w.Choice}" : "")));
    }
}
