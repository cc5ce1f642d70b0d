using Keel.Core;
using Keel.Pipeline.Spec;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Retrain;

/// <summary>Reads a retraining policy from a spec's <c>retrain:</c> section or a policy file (its root, or its own retrain: section).</summary>
public static class RetrainPolicyReader
{
    /// <summary>The policy in <paramref name="path"/>; the default policy when a spec has no retrain section.</summary>
    /// <exception cref="KeelInputException">Missing file, bad YAML or a bad field (the message names file, line and field).</exception>
    public static RetrainPolicy ReadFile(string path, bool isSpec)
    {
        if (!File.Exists(path)) throw new KeelInputException($"retraining policy '{path}' does not exist.");
        return Parse(File.ReadAllText(path), Path.GetFileName(path), isSpec);
    }

    internal static RetrainPolicy Parse(string yaml, string fileName, bool isSpec)
    {
        var (f, root) = YamlFields.Load(yaml, fileName, "the file is empty; expected a retrain section");
        var section = root.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "retrain" }).Value;
        if (section is null && isSpec) return new RetrainPolicy();
        var map = section is null ? root : f.Mapping(section, "retrain");
        var k = f.Keys(map, "retrain", "trigger", "window", "comparison", "promote", "deployment");
        var policy = new RetrainPolicy();
        if (k.TryGetValue("trigger", out var t)) policy = policy with { Triggers = Triggers(f, f.Mapping(t, "retrain.trigger")) };
        if (k.TryGetValue("window", out var w)) policy = policy with { Window = Window(f, f.Mapping(w, "retrain.window")) };
        if (k.TryGetValue("comparison", out var c))
        {
            var ck = f.Keys(f.Mapping(c, "retrain.comparison"), "retrain.comparison", "rows");
            if (ck.TryGetValue("rows", out var rows)) policy = policy with { ComparisonRows = AtLeast(f, rows, "retrain.comparison.rows", 10) };
        }
        if (k.TryGetValue("promote", out var p)) policy = policy with { Promote = Promote(f, f.Mapping(p, "retrain.promote")) };
        if (k.TryGetValue("deployment", out var d)) policy = policy with { Deployment = f.String(d, "retrain.deployment") };
        return policy;
    }

    private static RetrainTriggers Triggers(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "retrain.trigger", "alert", "schedule", "new_rows", "performance_drop");
        var t = new RetrainTriggers();
        if (k.TryGetValue("alert", out var a)) t = t with { Alert = f.Bool(a, "retrain.trigger.alert") };
        if (k.TryGetValue("schedule", out var s)) t = t with { Schedule = f.Duration(s, "retrain.trigger.schedule") };
        if (k.TryGetValue("new_rows", out var n)) t = t with { NewRows = AtLeast(f, n, "retrain.trigger.new_rows", 1) };
        if (k.TryGetValue("performance_drop", out var p))
        {
            var v = f.Number(p, "retrain.trigger.performance_drop");
            if (v < 0) throw f.Error(p, "retrain.trigger.performance_drop", $"expected a drop of 0 or more in the metric's units, got {v}");
            t = t with { PerformanceDrop = v };
        }
        return t;
    }

    private static DataWindowSpec Window(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "retrain.window", "kind", "last", "files");
        var kind = k.TryGetValue("kind", out var kn) ? f.Enum<WindowKind>(kn, "retrain.window.kind")
            : k.ContainsKey("files") ? WindowKind.Files : k.ContainsKey("last") ? WindowKind.Sliding : WindowKind.Expanding;
        var w = new DataWindowSpec { Kind = kind };
        if (k.TryGetValue("last", out var l)) w = w with { Last = f.Duration(l, "retrain.window.last") };
        if (k.TryGetValue("files", out var fs)) w = w with { Files = f.StringList(fs, "retrain.window.files") };
        if (kind == WindowKind.Sliding && w.Last is null) throw f.Error(map, "retrain.window.last", "missing; a sliding window needs its span, e.g. last: 60d");
        if (kind == WindowKind.Files && w.Files.Count == 0) throw f.Error(map, "retrain.window.files", "missing; a files window needs the list of data files");
        return w;
    }

    private static PromotionSpec Promote(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "retrain.promote", "metric", "margin", "alpha");
        var p = new PromotionSpec();
        if (k.TryGetValue("metric", out var m)) p = p with { Metric = f.String(m, "retrain.promote.metric") };
        if (k.TryGetValue("margin", out var g))
        {
            var v = f.Number(g, "retrain.promote.margin");
            if (v < 0) throw f.Error(g, "retrain.promote.margin", $"expected an improvement of 0 or more, got {v}");
            p = p with { Margin = v };
        }
        if (k.TryGetValue("alpha", out var a))
        {
            var v = f.Number(a, "retrain.promote.alpha");
            if (v is <= 0 or >= 1) throw f.Error(a, "retrain.promote.alpha", $"expected a level between 0 and 1 (exclusive), got {v}");
            p = p with { Alpha = v };
        }
        return p;
    }

    private static int AtLeast(YamlFields f, YamlNode node, string field, int least)
    {
        var v = f.Integer(node, field);
        return v >= least ? v : throw f.Error(node, field, $"expected a whole number of at least {least}, got {v}");
    }
}
