using Keel.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Spec;

/// <summary>Reads the spec's search section; every error names the file, line and field.</summary>
internal static class SearchSpecReader
{
    public static SearchSpec Read(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "search", "study", "sampler", "pruner", "trials", "timeout", "families", "spaces", "stale", "stale_after", "seed", "objectives", "enqueue", "population", "constant_liar",
            "start_from_defaults");
        var objectives = k.TryGetValue("objectives", out var ob) ? f.StringList(ob, "search.objectives") : [];
        var spec = new SearchSpec
        {
            Study = k.TryGetValue("study", out var st) ? f.String(st, "search.study") : null,
            Sampler = k.TryGetValue("sampler", out var sa) ? OneOf(f, sa, "search.sampler", "tpe", "tpe-multivariate", "nsga2", "random", "grid") : "tpe",
            // A multi-objective search does not prune unless asked (as Optuna, which cannot): a trial stopped for its accuracy may be
            // on the front for its latency or size.
            Pruner = objectives.Count >= 2 ? "none" : "median",
            Stale = k.TryGetValue("stale", out var sl) ? OneOf(f, sl, "search.stale", "retry", "skip") : "retry",
            Families = k.TryGetValue("families", out var fa) ? f.StringList(fa, "search.families") : [],
            Seed = k.TryGetValue("seed", out var sd) ? f.Integer(sd, "search.seed") : null,
            Objectives = objectives,
        };
        if (k.TryGetValue("pruner", out var pr)) spec = Pruner(f, pr, spec);
        if (k.TryGetValue("trials", out var tr))
        {
            var v = f.Integer(tr, "search.trials");
            if (v < 1) throw f.Error(tr, "search.trials", $"expected a number of trials of at least 1, got {v}");
            spec = spec with { Trials = v };
        }
        if (k.TryGetValue("population", out var po))
        {
            if (spec.Sampler != "nsga2") throw f.Error(po, "search.population", $"is NSGA-II's generation size; it needs sampler: nsga2 (the sampler is {spec.Sampler})");
            var v = f.Integer(po, "search.population");
            if (v < 2) throw f.Error(po, "search.population", $"expected a population of at least 2 (two parents), got {v}");
            spec = spec with { Population = v };
        }
        if (k.TryGetValue("constant_liar", out var cl))
        {
            if (spec.Sampler is not ("tpe" or "tpe-multivariate"))
                throw f.Error(cl, "search.constant_liar", $"is TPE's option for workers sampling at once; it needs sampler: tpe or tpe-multivariate (the sampler is {spec.Sampler})");
            spec = spec with { ConstantLiar = f.Bool(cl, "search.constant_liar") };
        }
        if (k.TryGetValue("enqueue", out var eq)) spec = spec with { Enqueue = Enqueue(f, eq) };
        if (k.TryGetValue("start_from_defaults", out var sfd)) spec = spec with { StartFromDefaults = f.Bool(sfd, "search.start_from_defaults") };
        if (k.TryGetValue("timeout", out var to)) spec = spec with { Timeout = Duration(f, to, "search.timeout") };
        if (k.TryGetValue("stale_after", out var sa2)) spec = spec with { StaleAfter = Duration(f, sa2, "search.stale_after") };
        if (k.TryGetValue("spaces", out var sp))
        {
            var spaces = new Dictionary<string, IReadOnlyDictionary<string, ParamRangeSpec>>(StringComparer.Ordinal);
            foreach (var (fk, fv) in f.Mapping(sp, "search.spaces").Children)
            {
                var family = f.Scalar(fk, "search.spaces");
                var ranges = new Dictionary<string, ParamRangeSpec>(StringComparer.Ordinal);
                foreach (var (pk, pv) in f.Mapping(fv, $"search.spaces.{family}").Children)
                {
                    var name = f.Scalar(pk, $"search.spaces.{family}");
                    ranges[name] = Range(f, pv, $"search.spaces.{family}.{name}");
                }
                spaces[family] = ranges;
            }
            spec = spec with { Spaces = spaces };
        }
        return spec;
    }

    /// <summary>A list of {family: F, options: {NAME: VALUE, ...}}.</summary>
    private static List<EnqueuedTrialSpec> Enqueue(YamlFields f, YamlNode node)
    {
        if (node is not YamlSequenceNode list) throw f.Error(node, "search.enqueue", "expected a list of {family: TYPE, options: {NAME: VALUE, ...}}");
        var result = new List<EnqueuedTrialSpec>();
        foreach (var (item, i) in list.Children.Select((n, i) => (n, i)))
        {
            var field = $"search.enqueue[{i}]";
            var k = f.Keys(f.Mapping(item, field), field, "family", "options");
            if (!k.TryGetValue("family", out var fam)) throw f.Error(item, field, "expected a family (the trainer type whose trial this is)");
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            if (k.TryGetValue("options", out var op))
            {
                foreach (var (ok, ov) in f.Mapping(op, $"{field}.options").Children)
                {
                    var name = f.Scalar(ok, $"{field}.options");
                    options[name] = f.Scalar(ov, $"{field}.options.{name}");
                }
            }
            if (options.Count == 0) throw f.Error(item, $"{field}.options", "expected at least one option to give (the others are sampled)");
            result.Add(new EnqueuedTrialSpec(f.String(fam, $"{field}.family"), options));
        }
        return result;
    }

    private static readonly string[] Pruners = ["median", "percentile", "threshold", "patient", "asha", "hyperband", "none"];

    /// <summary>search.pruner: a name, or a mapping with its type and options (each checked for the type).</summary>
    private static SearchSpec Pruner(YamlFields f, YamlNode node, SearchSpec spec)
    {
        if (node is not YamlMappingNode map)
        {
            var name = OneOf(f, node, "search.pruner", Pruners);
            if (name is "percentile" or "patient")
                throw f.Error(node, "search.pruner", $"{name} needs its options: write it as {(name == "percentile" ? "{type: percentile, percentile: 25}" : "{type: patient, patience: 10}")}");
            if (name == "threshold") throw f.Error(node, "search.pruner", "threshold needs its bounds: write it as {type: threshold, upper: 0.69} (losses; lower, upper or both)");
            return spec with { Pruner = name };
        }
        var k = f.Keys(map, "search.pruner", "type", "percentile", "warmup", "startup", "lower", "upper", "patience", "min_delta", "wrapped");
        if (!k.TryGetValue("type", out var typeNode)) throw f.Error(map, "search.pruner.type", $"missing; expected one of {string.Join(", ", Pruners)}");
        var type = OneOf(f, typeNode, "search.pruner.type", Pruners);
        string[] allowed = type switch
        {
            "median" => ["warmup", "startup"],
            "percentile" => ["percentile", "warmup", "startup"],
            "threshold" => ["lower", "upper", "warmup"],
            "patient" => ["patience", "min_delta", "wrapped"],
            _ => [],
        };
        foreach (var key in k.Keys.Where(key => key != "type" && !allowed.Contains(key)))
            throw f.Error(k[key], $"search.pruner.{key}", $"is not an option of the {type} pruner" + (allowed.Length == 0 ? ", which has none" : $"; it takes {string.Join(", ", allowed)}"));
        int? Count(string key, int min)
        {
            if (!k.TryGetValue(key, out var n)) return null;
            var v = f.Integer(n, $"search.pruner.{key}");
            return v >= min ? v : throw f.Error(n, $"search.pruner.{key}", $"expected at least {min}, got {v}");
        }
        double? Number(string key) => k.TryGetValue(key, out var n) ? f.Number(n, $"search.pruner.{key}") : null;
        var options = new PrunerOptionsSpec
        {
            Percentile = Number("percentile"), Warmup = Count("warmup", 0), Startup = Count("startup", 0), Lower = Number("lower"), Upper = Number("upper"),
            Patience = Count("patience", 0), MinDelta = Number("min_delta"),
            Wrapped = k.TryGetValue("wrapped", out var w) ? OneOf(f, w, "search.pruner.wrapped", "median", "none") : null,
        };
        if (type == "percentile" && options.Percentile is not (>= 0 and <= 100))
            throw f.Error(k.GetValueOrDefault("percentile") ?? map, "search.pruner.percentile", options.Percentile is null ? "missing; expected a percentile from 0 to 100 (25 keeps the best quarter at each round)" : $"expected a percentile from 0 to 100, got {options.Percentile}");
        if (type == "threshold" && options.Lower is null && options.Upper is null)
            throw f.Error(map, "search.pruner", "the threshold pruner needs lower, upper or both (validation losses)");
        if (type == "threshold" && options.Lower > options.Upper)
            throw f.Error(k["lower"], "search.pruner.lower", $"expected at most upper ({options.Upper}), got {options.Lower}");
        if (type == "patient" && options.Patience is null)
            throw f.Error(map, "search.pruner.patience", "missing; expected the rounds a trial's loss may stay above its best");
        if (options.MinDelta < 0) throw f.Error(k["min_delta"], "search.pruner.min_delta", $"expected 0 or more, got {options.MinDelta}");
        return spec with { Pruner = type, PrunerOptions = options };
    }

    private static string OneOf(YamlFields f, YamlNode node, string field, params string[] allowed)
    {
        var v = f.String(node, field).ToLowerInvariant();
        return allowed.Contains(v) ? v : throw f.Error(node, field, $"expected one of {string.Join(", ", allowed)}, got '{v}'");
    }

    /// <summary>A parameter range: a mapping (low, high, log, int, choices, when), a list (choices) or a single value (fixed).</summary>
    private static ParamRangeSpec Range(YamlFields f, YamlNode node, string field)
    {
        if (node is YamlScalarNode or YamlSequenceNode) return new ParamRangeSpec { Choices = f.StringList(node, field) };
        var k = f.Keys(f.Mapping(node, field), field, "low", "high", "log", "int", "choices", "when");
        var r = new ParamRangeSpec
        {
            Low = k.TryGetValue("low", out var lo) ? f.Number(lo, $"{field}.low") : null,
            High = k.TryGetValue("high", out var hi) ? f.Number(hi, $"{field}.high") : null,
            Log = k.TryGetValue("log", out var lg) && f.Bool(lg, $"{field}.log"),
            Integer = k.TryGetValue("int", out var it) && f.Bool(it, $"{field}.int"),
            Choices = k.TryGetValue("choices", out var ch) ? f.StringList(ch, $"{field}.choices") : [],
            When = k.TryGetValue("when", out var wh) ? f.String(wh, $"{field}.when") : null,
        };
        if (r.Choices.Count > 0 == (r.Low is not null || r.High is not null))
            throw f.Error(node, field, "expected either low and high (a numeric range) or choices");
        if (r.Choices.Count == 0 && (r.Low is null || r.High is null))
            throw f.Error(node, field, "expected both low and high");
        if (r.Low > r.High) throw f.Error(node, field, $"low {r.Low} is above high {r.High}");
        if (r.Log && r.Low <= 0) throw f.Error(node, field, $"a log range needs low above 0, got {r.Low}");
        if (r.Integer && (r.Low != Math.Round(r.Low!.Value) || r.High != Math.Round(r.High!.Value)))
            throw f.Error(node, field, "an int range needs whole-number low and high");
        if (r.When is { } w && w.Split('=') is not [{ Length: > 0 }, { Length: > 0 }])
            throw f.Error(node, $"{field}.when", $"expected PARAM=CHOICE, got '{w}'");
        return r;
    }

    /// <summary>"90s", "10m", "2h" or a number of seconds.</summary>
    private static TimeSpan Duration(YamlFields f, YamlNode node, string field) =>
        Keel.Pipeline.Search.Durations.Parse(f.Scalar(node, field)) ?? throw f.Error(node, field, $"expected a duration such as 90s, 10m or 2h, got '{f.Scalar(node, field)}'");
}
