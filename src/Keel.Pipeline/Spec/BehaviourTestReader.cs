using System.Globalization;
using Keel.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Spec;

/// <summary>Reads evaluation.tests: {invariance: COLUMN, noise, tolerance}, {directional: COLUMN, factor, add, expect, class, tolerance},
/// {minimum: FILE, tolerance}.</summary>
internal static class BehaviourTestReader
{
    public static IReadOnlyList<BehaviourTestSpec> Read(YamlFields f, YamlNode node, string field)
    {
        if (node is not YamlSequenceNode list) throw f.Error(node, field, "expected a list of tests");
        var tests = new List<BehaviourTestSpec>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"{field}[{i}]";
            var item = list.Children[i];
            var k = f.Keys(f.Mapping(item, path), path, "invariance", "directional", "minimum", "noise", "factor", "add", "expect", "class", "tolerance");
            var types = new[] { "invariance", "directional", "minimum" }.Where(k.ContainsKey).ToArray();
            if (types.Length != 1) throw f.Error(item, path, "expected exactly one of invariance: COLUMN, directional: COLUMN or minimum: FILE");
            var type = types[0];
            var target = f.String(k[type], $"{path}.{type}");
            double Number(string key, double fallback) => k.TryGetValue(key, out var n) ? f.Number(n, $"{path}.{key}") : fallback;
            var tolerance = Number("tolerance", type == "invariance" ? 0.05 : 0);
            if (tolerance < 0) throw f.Error(k["tolerance"], $"{path}.tolerance", $"expected a number of at least 0, got {tolerance}");
            foreach (var key in new[] { "noise", "factor", "add", "expect", "class" })
            {
                var allowed = key switch { "noise" => type == "invariance", "class" => type != "minimum", _ => type == "directional" };
                if (k.ContainsKey(key) && !allowed) throw f.Error(k[key], $"{path}.{key}", $"does not apply to a {type} test");
            }
            var spec = new BehaviourTestSpec(type, type == "minimum" ? $"minimum {target}" : $"{type} {target}") { Tolerance = tolerance, Class = k.TryGetValue("class", out var c) ? f.String(c, $"{path}.class") : null };
            switch (type)
            {
                case "invariance":
                    var noise = Number("noise", double.NaN);
                    if (!(noise > 0)) throw f.Error(k.GetValueOrDefault("noise") ?? item, $"{path}.noise", "expected the largest change of a value, above 0");
                    tests.Add(spec with { Column = target, Noise = noise });
                    break;
                case "directional":
                    var factor = Number("factor", 1);
                    var add = Number("add", 0);
                    if (factor == 1 && add == 0) throw f.Error(item, path, "expected factor (e.g. 1.1 for +10 %) or add");
                    var expect = k.TryGetValue("expect", out var e) ? f.String(e, $"{path}.expect") : "not_increase";
                    if (expect is not ("not_increase" or "not_decrease")) throw f.Error(e!, $"{path}.expect", $"expected not_increase or not_decrease, got '{expect}'");
                    tests.Add(spec with { Name = $"directional {target} {Change(factor, add)}", Column = target, Factor = factor, Add = add, Expect = expect });
                    break;
                default:
                    tests.Add(spec with { File = target });
                    break;
            }
        }
        return tests;
    }

    /// <summary>How a directional test changes its column, as its name says it: "×1.1", "+5", "-30" or both ("×1.1 +5": times, then plus).</summary>
    internal static string Change(double factor, double add)
    {
        static string Number(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var times = factor != 1 ? $"×{Number(factor)}" : null;
        var plus = add > 0 ? $"+{Number(add)}" : add < 0 ? Number(add) : null;
        return string.Join(' ', new[] { times, plus }.Where(p => p is not null));
    }
}
