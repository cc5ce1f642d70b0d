using Keel.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Spec;

/// <summary>Reads the spec's evaluation section: slices, calibration, bootstrap, threshold, error tags, behavioural tests and the rest.</summary>
internal static class EvaluationSpecReader
{
    /// <summary>The evaluation section; every error names the file, line and field.</summary>
    public static EvaluationSpec Read(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "evaluation", "slices", "sensitive", "calibrate", "coverage", "bootstrap", "min_slice_rows", "threshold", "tags", "tests",
            "importance_repeats", "learning_curve", "human_level");
        var spec = new EvaluationSpec
        {
            Slices = k.TryGetValue("slices", out var sl) ? f.StringList(sl, "evaluation.slices") : [],
            Sensitive = k.TryGetValue("sensitive", out var se) ? f.StringList(se, "evaluation.sensitive") : [],
        };
        if (k.TryGetValue("calibrate", out var ca))
        {
            var method = f.String(ca, "evaluation.calibrate");
            if (method is not ("sigmoid" or "isotonic")) throw f.Error(ca, "evaluation.calibrate", $"expected sigmoid or isotonic, got '{method}'");
            spec = spec with { Calibrate = method };
        }
        if (k.TryGetValue("coverage", out var co))
        {
            var v = f.Number(co, "evaluation.coverage");
            if (v is <= 0 or >= 1) throw f.Error(co, "evaluation.coverage", $"expected a number between 0 and 1 (exclusive), got {v}");
            spec = spec with { Coverage = v };
        }
        if (k.TryGetValue("bootstrap", out var bo))
        {
            var v = f.Integer(bo, "evaluation.bootstrap");
            if (v is < 0 or > 100_000) throw f.Error(bo, "evaluation.bootstrap", $"expected a number of resamples from 0 (no intervals) to 100000, got {v}");
            spec = spec with { Bootstrap = v };
        }
        if (k.TryGetValue("min_slice_rows", out var mi))
        {
            var v = f.Integer(mi, "evaluation.min_slice_rows");
            if (v < 1) throw f.Error(mi, "evaluation.min_slice_rows", $"expected a number of rows of at least 1, got {v}");
            spec = spec with { MinSliceRows = v };
        }
        if (k.TryGetValue("importance_repeats", out var ir))
        {
            var v = f.Integer(ir, "evaluation.importance_repeats");
            if (v is < 0 or > 1000) throw f.Error(ir, "evaluation.importance_repeats", $"expected a number of shuffles per column from 0 (no importance) to 1000, got {v}");
            spec = spec with { ImportanceRepeats = v };
        }
        if (k.TryGetValue("learning_curve", out var lc)) spec = spec with { LearningCurve = f.Bool(lc, "evaluation.learning_curve") };
        if (k.TryGetValue("human_level", out var hl))
        {
            var v = f.Number(hl, "evaluation.human_level");
            if (!(v >= 0) || double.IsInfinity(v)) throw f.Error(hl, "evaluation.human_level", $"expected an error of at least 0 in the selection metric's terms (1 − metric for a score such as auc, the loss itself for a loss), got {v}");
            spec = spec with { HumanLevel = v };
        }
        if (k.TryGetValue("threshold", out var th)) spec = spec with { Threshold = ReadThreshold(f, th) };
        if (k.TryGetValue("tags", out var tg)) spec = spec with { Tags = ReadTags(f, tg, "evaluation.tags") };
        if (k.TryGetValue("tests", out var te)) spec = spec with { Tests = BehaviourTestReader.Read(f, te, "evaluation.tests") };
        return spec;
    }

    /// <summary>Tags: a list whose items are a rule ("CONDITION -> NAME"), or a mapping with one of slice: COLUMN, column: COLUMN
    /// (boolean), rule: TEXT, and optional reference, ease and importance.</summary>
    public static IReadOnlyList<TagSpec> ReadTags(YamlFields f, YamlNode node, string field)
    {
        if (node is not YamlSequenceNode list) throw f.Error(node, field, "expected a list of tags");
        var tags = new List<TagSpec>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var path = $"{field}[{i}]";
            if (item is YamlScalarNode)
            {
                tags.Add(new TagSpec("rule", f.String(item, path)));
                continue;
            }
            var k = f.Keys(f.Mapping(item, path), path, "slice", "column", "rule", "reference", "ease", "importance");
            var kinds = new[] { "slice", "column", "rule" }.Where(k.ContainsKey).ToArray();
            if (kinds.Length != 1) throw f.Error(item, path, "expected exactly one of slice: COLUMN, column: COLUMN (boolean) or rule: \"CONDITION -> NAME\"");
            double Weight(string key, double min)
            {
                if (!k.TryGetValue(key, out var w)) return 1;
                var v = f.Number(w, $"{path}.{key}");
                return v > min ? v : throw f.Error(w, $"{path}.{key}", $"expected a number above {min}, got {v}");
            }
            double? reference = null;
            if (k.TryGetValue("reference", out var rf))
            {
                var v = f.Number(rf, $"{path}.reference");
                reference = v >= 0 ? v : throw f.Error(rf, $"{path}.reference", $"expected an error rate (or mean absolute error) of at least 0, got {v}");
            }
            tags.Add(new TagSpec(kinds[0], f.String(k[kinds[0]], $"{path}.{kinds[0]}")) { Reference = reference, Ease = Weight("ease", 0), Importance = Weight("importance", 0) });
        }
        return tags;
    }

    /// <summary>evaluation.threshold: one of {f_beta: BETA}, {precision: TARGET}, {recall: TARGET}, {costs: {fp: COST, fn: COST}}.</summary>
    private static ThresholdObjective ReadThreshold(YamlFields f, YamlNode node)
    {
        const string field = "evaluation.threshold";
        const string expected = "expected one of {f_beta: 1}, {precision: 0.9}, {recall: 0.8} or {costs: {fp: 1, fn: 5}}";
        var k = f.Keys(f.Mapping(node, field), field, "f_beta", "precision", "recall", "costs");
        if (k.Count != 1) throw f.Error(node, field, expected);
        var (kind, value) = k.First();
        var path = $"{field}.{kind}";
        if (kind == "costs")
        {
            var costs = f.Keys(f.Mapping(value, path), path, "fp", "fn");
            double Cost(string key)
            {
                if (!costs.TryGetValue(key, out var c)) throw f.Error(value, $"{path}.{key}", "missing; expected the cost of a " + (key == "fp" ? "false positive" : "false negative"));
                var v = f.Number(c, $"{path}.{key}");
                return v >= 0 ? v : throw f.Error(c, $"{path}.{key}", $"expected a cost of at least 0, got {v}");
            }
            return new ThresholdObjective("costs", 0, Cost("fp"), Cost("fn"));
        }
        var number = f.Number(value, path);
        if (kind == "f_beta" && !(number > 0)) throw f.Error(value, path, $"expected a beta above 0, got {number}");
        if (kind != "f_beta" && number is <= 0 or > 1) throw f.Error(value, path, $"expected a target above 0 and at most 1, got {number}");
        return new ThresholdObjective(kind, number);
    }
}
