using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Pipeline.Predict;
using Keel.Pipeline.Spec;
using Keel.Training.Heuristics;
using YamlDotNet.RepresentationModel;

namespace Keel.Serving.Rollouts;

/// <summary>Reads <c>keel.deploy.yaml</c>; every error names the file, line and field and says what was expected.</summary>
public static partial class DeploymentFileReader
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EndpointPattern();

    [GeneratedRegex("^(?<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,127})(@(?<alias>[a-z][a-z0-9_-]{0,63})|:(?<version>[0-9]{1,9}))$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    [GeneratedRegex("^(?<n>[0-9]+(\\.[0-9]+)?)(?<unit>ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    /// <summary>Reads the file at <paramref name="path"/>; returns its text too, so the store can version exactly what was applied.</summary>
    /// <exception cref="KeelInputException">The file is missing, not YAML, or a field is wrong (the message names file, line and field).</exception>
    public static (DeploymentFile File, string Text) ReadFile(string path)
    {
        if (!File.Exists(path)) throw new KeelInputException($"deployment file '{path}' does not exist.");
        var text = File.ReadAllText(path);
        return (Parse(text, path), text);
    }

    /// <summary>Parses deployment YAML; <paramref name="fileName"/> names the source in errors.</summary>
    public static DeploymentFile Parse(string yaml, string fileName)
    {
        var (f, root) = YamlFields.Load(yaml, fileName, "the deployment file is empty; expected at least 'endpoint' and 'champion'");
        var k = f.Keys(root, "", "endpoint", "champion", "challenger", "strategy", "routing_key", "guards", "mode", "review", "post_processing", "seed", "monitor");
        if (!k.TryGetValue("endpoint", out var endpoint)) throw f.Error(root, "endpoint", "missing; expected the endpoint name, e.g. credit");
        if (!k.TryGetValue("champion", out var champion)) throw f.Error(root, "champion", "missing; expected a registered model such as credit-risk@champion");
        var challenger = k.TryGetValue("challenger", out var ch) ? Reference(f, ch, "challenger") : null;
        var strategy = k.TryGetValue("strategy", out var st) ? Strategy(f, st) : new StrategySpec { Kind = challenger is null ? StrategyKind.None : StrategyKind.Canary };
        if (strategy.Kind != StrategyKind.None && challenger is null)
            throw f.Error(st ?? root, "challenger", $"missing; strategy {Name(strategy.Kind)} needs a challenger such as credit-risk@challenger");
        if (strategy.Kind == StrategyKind.None && challenger is not null)
            throw f.Error(st!, "strategy", "none serves the champion only; remove the challenger or pick shadow, canary, blue_green, ab or bandit");
        var name = f.String(endpoint, "endpoint");
        if (!EndpointPattern().IsMatch(name))
            throw f.Error(endpoint, "endpoint", $"expected a lower-case letter or digit then up to 63 of a-z, 0-9, '_' or '-', got '{name}'");
        return new DeploymentFile
        {
            Source = fileName,
            Endpoint = name,
            Champion = Reference(f, champion, "champion"),
            Challenger = challenger,
            Strategy = strategy,
            RoutingKey = k.TryGetValue("routing_key", out var rk) ? RoutingKey(f, rk) : null,
            Guards = k.TryGetValue("guards", out var g) ? Guards(f, f.Mapping(g, "guards")) : new GuardOptions(),
            // A review threshold without a mode means partial automation: confident answers automatic, the rest reviewed.
            Mode = k.TryGetValue("mode", out var m) ? f.Enum<DeploymentMode>(m, "mode") : k.ContainsKey("review") ? DeploymentMode.Partial : DeploymentMode.Full,
            ReviewBelowConfidence = k.TryGetValue("review", out var r) ? Review(f, f.Mapping(r, "review")) : null,
            PostProcessing = k.TryGetValue("post_processing", out var pp) ? PostProcessing(f, pp, fileName) : [],
            Seed = k.TryGetValue("seed", out var s) ? f.Integer(s, "seed") : 42,
        };
    }

    /// <summary>The file's name for a strategy (snake_case, as written in YAML).</summary>
    public static string Name(StrategyKind kind) => kind == StrategyKind.BlueGreen ? "blue_green" : kind.ToString().ToLowerInvariant();

    private static ModelReference Reference(YamlFields f, YamlNode node, string field)
    {
        var text = f.String(node, field);
        var m = ReferencePattern().Match(text);
        if (!m.Success)
            throw f.Error(node, field, $"expected a registered model as NAME@ALIAS (e.g. credit-risk@champion) or NAME:VERSION (e.g. credit-risk:3), got '{text}'");
        return new ModelReference(m.Groups["name"].Value, m.Groups["alias"].Success ? m.Groups["alias"].Value : null,
            m.Groups["version"].Success ? int.Parse(m.Groups["version"].Value, CultureInfo.InvariantCulture) : null);
    }

    private static StrategySpec Strategy(YamlFields f, YamlNode node)
    {
        // Either a bare name (defaults) or a one-key mapping: name -> options.
        if (node is YamlScalarNode) return new StrategySpec { Kind = Kind(f, node, f.String(node, "strategy")) };
        var map = f.Mapping(node, "strategy");
        if (map.Children.Count != 1) throw f.Error(node, "strategy", "expected one strategy: shadow, canary, blue_green, ab or bandit, with its options below it");
        var (keyNode, optionsNode) = map.Children.Single();
        var kind = Kind(f, keyNode, f.String(keyNode, "strategy"));
        var field = $"strategy.{Name(kind)}";
        if (optionsNode is YamlScalarNode { Value: null or "" } || optionsNode is YamlMappingNode { Children.Count: 0 }) return new StrategySpec { Kind = kind };
        var o = f.Mapping(optionsNode, field);
        return kind switch
        {
            StrategyKind.Canary => Canary(f, o, field),
            StrategyKind.Ab => Ab(f, o, field),
            StrategyKind.Bandit => Bandit(f, o, field),
            _ => f.Keys(o, field).Count == 0 ? new StrategySpec { Kind = kind } : throw f.Error(o, field, "takes no options"),
        };
    }

    private static StrategyKind Kind(YamlFields f, YamlNode node, string name) => name switch
    {
        "none" => StrategyKind.None,
        "shadow" => StrategyKind.Shadow,
        "canary" => StrategyKind.Canary,
        "blue_green" => StrategyKind.BlueGreen,
        "ab" => StrategyKind.Ab,
        "bandit" => StrategyKind.Bandit,
        _ => throw f.Error(node, "strategy", $"expected one of none, shadow, canary, blue_green, ab, bandit, got '{name}'"),
    };

    private static StrategySpec Canary(YamlFields f, YamlMappingNode o, string field)
    {
        var k = f.Keys(o, field, "steps", "advance_after");
        var spec = new StrategySpec { Kind = StrategyKind.Canary };
        if (k.TryGetValue("steps", out var stepsNode))
        {
            if (stepsNode is not YamlSequenceNode seq || seq.Children.Count == 0) throw f.Error(stepsNode, $"{field}.steps", "expected a list of percentages such as [5, 25, 50, 100]");
            var steps = seq.Children.Select((c, i) => Percent(f, c, $"{field}.steps[{i}]")).ToArray();
            for (var i = 1; i < steps.Length; i++)
            {
                if (steps[i] <= steps[i - 1]) throw f.Error(seq.Children[i], $"{field}.steps[{i}]", $"expected a percentage above the previous step ({Fmt(steps[i - 1])}), got {Fmt(steps[i])}");
            }
            if (steps[^1] != 100) throw f.Error(seq.Children[^1], $"{field}.steps[{steps.Length - 1}]", $"expected the last step to be 100 (the challenger takes all traffic), got {Fmt(steps[^1])}");
            if (steps[0] <= 0) throw f.Error(seq.Children[0], $"{field}.steps[0]", "expected a percentage above 0");
            spec = spec with { Steps = steps };
        }
        if (k.TryGetValue("advance_after", out var adv))
        {
            var a = f.Keys(f.Mapping(adv, $"{field}.advance_after"), $"{field}.advance_after", "requests", "duration");
            if (a.Count == 0) throw f.Error(adv, $"{field}.advance_after", "expected requests (a count), duration (e.g. 10m) or both");
            spec = spec with
            {
                AdvanceAfterRequests = a.TryGetValue("requests", out var rq) ? Positive(f, rq, $"{field}.advance_after.requests") : null,
                AdvanceAfterDuration = a.TryGetValue("duration", out var du) ? Duration(f, du, $"{field}.advance_after.duration") : null,
            };
        }
        return spec;
    }

    private static StrategySpec Ab(YamlFields f, YamlMappingNode o, string field)
    {
        var k = f.Keys(o, field, "split", "outcome", "positive", "minimum_effect", "alpha", "power", "baseline_rate", "standard_deviation");
        var spec = new StrategySpec { Kind = StrategyKind.Ab };
        return spec with
        {
            SplitPercent = k.TryGetValue("split", out var s) ? Between(f, s, $"{field}.split", 0, 100, "a challenger percentage above 0 and below 100") : spec.SplitPercent,
            Outcome = k.TryGetValue("outcome", out var oc) ? f.Enum<OutcomeKind>(oc, $"{field}.outcome") : spec.Outcome,
            Positive = k.TryGetValue("positive", out var p) ? f.String(p, $"{field}.positive") : spec.Positive,
            MinimumEffect = k.TryGetValue("minimum_effect", out var me) ? PositiveNumber(f, me, $"{field}.minimum_effect") : spec.MinimumEffect,
            Alpha = k.TryGetValue("alpha", out var al) ? Between(f, al, $"{field}.alpha", 0, 1, "a probability above 0 and below 1, e.g. 0.05") : spec.Alpha,
            Power = k.TryGetValue("power", out var pw) ? Between(f, pw, $"{field}.power", 0, 1, "a probability above 0 and below 1, e.g. 0.8") : spec.Power,
            BaselineRate = k.TryGetValue("baseline_rate", out var br) ? Between(f, br, $"{field}.baseline_rate", 0, 1, "the champion's success rate, above 0 and below 1") : spec.BaselineRate,
            StandardDeviation = k.TryGetValue("standard_deviation", out var sd) ? PositiveNumber(f, sd, $"{field}.standard_deviation") : spec.StandardDeviation,
        };
    }

    private static StrategySpec Bandit(YamlFields f, YamlMappingNode o, string field)
    {
        var k = f.Keys(o, field, "algorithm", "epsilon", "positive", "outcome");
        var spec = new StrategySpec { Kind = StrategyKind.Bandit };
        var algorithm = spec.Algorithm;
        if (k.TryGetValue("algorithm", out var a))
        {
            algorithm = f.String(a, $"{field}.algorithm") switch
            {
                "thompson" => BanditAlgorithm.Thompson,
                "epsilon_greedy" => BanditAlgorithm.EpsilonGreedy,
                var s => throw f.Error(a, $"{field}.algorithm", $"expected thompson or epsilon_greedy, got '{s}'"),
            };
        }
        return spec with
        {
            Algorithm = algorithm,
            Epsilon = k.TryGetValue("epsilon", out var e) ? Between(f, e, $"{field}.epsilon", 0, 1, "a probability above 0 and below 1, e.g. 0.1") : spec.Epsilon,
            Positive = k.TryGetValue("positive", out var p) ? f.String(p, $"{field}.positive") : spec.Positive,
            Outcome = k.TryGetValue("outcome", out var oc) ? f.Enum<OutcomeKind>(oc, $"{field}.outcome") switch
            {
                OutcomeKind.Numeric => throw f.Error(oc, $"{field}.outcome", "expected binary or correct: a bandit's rewards are successes or failures"),
                var kind => kind,
            } : spec.Outcome,
        };
    }

    private static RoutingKeySpec RoutingKey(YamlFields f, YamlNode node)
    {
        var k = f.Keys(f.Mapping(node, "routing_key"), "routing_key", "header", "field");
        if (k.Count != 1) throw f.Error(node, "routing_key", "expected exactly one of header (a request header name) or field (an input column)");
        return new RoutingKeySpec(k.TryGetValue("header", out var h) ? f.String(h, "routing_key.header") : null,
            k.TryGetValue("field", out var c) ? f.String(c, "routing_key.field") : null);
    }

    private static GuardOptions Guards(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "guards", "max_error_rate", "max_p99_latency_ms", "max_p99_ratio", "min_p99_gap_ms", "max_score_shift", "window",
            "min_requests");
        var d = new GuardOptions();
        var g = d with
        {
            MaxErrorRate = k.TryGetValue("max_error_rate", out var e) ? Share(f, e, "guards.max_error_rate") : d.MaxErrorRate,
            MaxP99LatencyMs = k.TryGetValue("max_p99_latency_ms", out var l) ? Optional(f, l, "guards.max_p99_latency_ms") : d.MaxP99LatencyMs,
            MaxP99Ratio = k.TryGetValue("max_p99_ratio", out var r) ? Optional(f, r, "guards.max_p99_ratio") : d.MaxP99Ratio,
            MinP99GapMs = k.TryGetValue("min_p99_gap_ms", out var gap) ? NonNegative(f, gap, "guards.min_p99_gap_ms") : d.MinP99GapMs,
            MaxScoreShift = k.TryGetValue("max_score_shift", out var s) ? Optional(f, s, "guards.max_score_shift") : d.MaxScoreShift,
            Window = k.TryGetValue("window", out var w) ? Positive(f, w, "guards.window") : d.Window,
            MinRequests = k.TryGetValue("min_requests", out var m) ? Positive(f, m, "guards.min_requests") : d.MinRequests,
        };
        if (g.MinRequests > g.Window) throw f.Error(k["min_requests"], "guards.min_requests", $"expected at most guards.window ({g.Window}), got {g.MinRequests}");
        return g;
    }

    private static double Review(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "review", "below_confidence");
        return k.TryGetValue("below_confidence", out var b)
            ? Between(f, b, "review.below_confidence", 0, 1, "a confidence above 0 and below 1, e.g. 0.7")
            : throw f.Error(map, "review.below_confidence", "missing; expected the confidence under which answers go to review, e.g. 0.7");
    }

    private static IReadOnlyList<PostRuleSpec> PostProcessing(YamlFields f, YamlNode node, string file)
    {
        if (node is not YamlSequenceNode seq) throw f.Error(node, "post_processing", "expected a list of rules (- override: ..., - clamp: ..., - coefficient: ...)");
        var rules = new List<PostRuleSpec>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var field = $"post_processing[{i}]";
            var k = f.Keys(f.Mapping(seq.Children[i], field), field, "override", "clamp", "coefficient");
            if (k.Count != 1) throw f.Error(seq.Children[i], field, "expected exactly one of override, clamp or coefficient");
            var (kind, value) = k.Single();
            var line = (int)value.Start.Line;
            rules.Add(kind switch
            {
                "override" => Override(f, value, $"{field}.override", line, file),
                "clamp" => Clamp(f, value, $"{field}.clamp", line),
                _ => Coefficient(f, value, $"{field}.coefficient", line),
            });
        }
        return rules;
    }

    private static PostRuleSpec Override(YamlFields f, YamlNode node, string field, int line, string file)
    {
        var text = f.String(node, field);
        RuleParser.Parse(text, $"{file} line {line}, field '{field}'"); // checked now, so a typo fails at create, not on the first request
        return new PostRuleSpec(PostRuleKind.Override, text, line);
    }

    private static PostRuleSpec Clamp(YamlFields f, YamlNode node, string field, int line)
    {
        var k = f.Keys(f.Mapping(node, field), field, "min", "max");
        double? min = k.TryGetValue("min", out var lo) ? f.Number(lo, $"{field}.min") : null;
        double? max = k.TryGetValue("max", out var hi) ? f.Number(hi, $"{field}.max") : null;
        if (min is null && max is null) throw f.Error(node, field, "expected min, max or both");
        if (min > max) throw f.Error(node, field, $"expected min ({Fmt(min!.Value)}) at most max ({Fmt(max!.Value)})");
        return new PostRuleSpec(PostRuleKind.Clamp, $"clamp [{(min is { } a ? Fmt(a) : "-inf")}, {(max is { } b ? Fmt(b) : "inf")}]", line, min, max);
    }

    private static PostRuleSpec Coefficient(YamlFields f, YamlNode node, string field, int line)
    {
        if (node is YamlScalarNode)
        {
            var factor = f.Number(node, field);
            return new PostRuleSpec(PostRuleKind.Coefficient, $"× {Fmt(factor)}", line, Factor: factor);
        }
        var k = f.Keys(f.Mapping(node, field), field, "factor", "offset");
        var fac = k.TryGetValue("factor", out var fn) ? f.Number(fn, $"{field}.factor") : 1;
        var off = k.TryGetValue("offset", out var on) ? f.Number(on, $"{field}.offset") : 0;
        return new PostRuleSpec(PostRuleKind.Coefficient, $"× {Fmt(fac)} + {Fmt(off)}", line, Factor: fac, Offset: off);
    }

    private static double Percent(YamlFields f, YamlNode node, string field) => Between(f, node, field, 0, 100.0000001, "a percentage from above 0 to 100");

    private static double Between(YamlFields f, YamlNode node, string field, double low, double high, string expected)
    {
        var v = f.Number(node, field);
        return v > low && v < high ? v : throw f.Error(node, field, $"expected {expected}, got {Fmt(v)}");
    }

    private static double Share(YamlFields f, YamlNode node, string field)
    {
        var v = f.Number(node, field);
        return v is >= 0 and < 1 ? v : throw f.Error(node, field, $"expected a share from 0 to below 1, e.g. 0.05, got {Fmt(v)}");
    }

    private static double PositiveNumber(YamlFields f, YamlNode node, string field)
    {
        var v = f.Number(node, field);
        return v > 0 ? v : throw f.Error(node, field, $"expected a number above 0, got {Fmt(v)}");
    }

    private static double NonNegative(YamlFields f, YamlNode node, string field)
    {
        var v = f.Number(node, field);
        return v >= 0 ? v : throw f.Error(node, field, $"expected a number of milliseconds from 0, got {Fmt(v)}");
    }

    private static double? Optional(YamlFields f, YamlNode node, string field) =>
        f.Scalar(node, field) is "off" or "none" ? null : PositiveNumber(f, node, field);

    private static int Positive(YamlFields f, YamlNode node, string field)
    {
        var v = f.Integer(node, field);
        return v > 0 ? v : throw f.Error(node, field, $"expected a whole number above 0, got {v}");
    }

    private static TimeSpan Duration(YamlFields f, YamlNode node, string field)
    {
        var text = f.String(node, field);
        var m = DurationPattern().Match(text);
        if (!m.Success) throw f.Error(node, field, $"expected a duration such as 30s, 10m or 2h, got '{text}'");
        var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var d = m.Groups["unit"].Value switch { "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), _ => TimeSpan.FromHours(n) };
        return d > TimeSpan.Zero ? d : throw f.Error(node, field, $"expected a duration above zero, got '{text}'");
    }

    private static string Fmt(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
