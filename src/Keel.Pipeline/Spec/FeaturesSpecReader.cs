using Keel.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Spec;

/// <summary>Reads the spec's features section: by_type and columns (transform options) and crosses.</summary>
internal static class FeaturesSpecReader
{
    /// <summary>The options each by_type key accepts; columns accept those of their column's type (checked against the data).</summary>
    public static IReadOnlyDictionary<string, string[]> OptionsByType { get; } = new Dictionary<string, string[]>
    {
        ["numeric"] = ["impute", "fill_value", "missing_indicator", "scale", "bins", "n_bins", "edges"],
        ["boolean"] = ["impute", "fill_value", "missing_indicator"],
        ["datetime"] = ["impute", "fill_value", "missing_indicator", "parts"],
        ["categorical"] = ["encode", "min_frequency", "max_categories", "buckets", "folds", "smoothing"],
    };

    /// <summary>Date parts a features section may ask for.</summary>
    public static IReadOnlyList<string> DateParts { get; } = ["year", "month", "day", "dayofweek", "dayofyear", "hour", "unix", "minute", "quarter", "weekend"];

    private static readonly string[] AllOptions = OptionsByType.Values.SelectMany(o => o).Distinct().ToArray();

    public static FeaturesSpec Read(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "features", "by_type", "columns", "crosses");
        var byType = new Dictionary<string, FeatureTransform>(StringComparer.Ordinal);
        if (k.TryGetValue("by_type", out var bt))
        {
            foreach (var (key, node) in f.Keys(f.Mapping(bt, "features.by_type"), "features.by_type", [.. OptionsByType.Keys]))
                byType[key] = ReadTransform(f, node, $"features.by_type.{key}", OptionsByType[key]);
        }
        var columns = new Dictionary<string, FeatureTransform>(StringComparer.Ordinal);
        if (k.TryGetValue("columns", out var cs))
        {
            foreach (var (name, node) in f.Mapping(cs, "features.columns").Children)
            {
                var column = f.String(name, "features.columns");
                if (!columns.TryAdd(column, ReadTransform(f, node, $"features.columns.{column}", AllOptions)))
                    throw f.Error(name, $"features.columns.{column}", "appears twice");
            }
        }
        return new FeaturesSpec { ByType = byType, Columns = columns, Crosses = k.TryGetValue("crosses", out var cr) ? ReadCrosses(f, cr) : [] };
    }

    /// <summary>crosses: a list whose items are [A, B] or {columns: [A, B], encode, min_frequency, max_categories, buckets}.</summary>
    private static IReadOnlyList<FeatureCross> ReadCrosses(YamlFields f, YamlNode node)
    {
        if (node is not YamlSequenceNode list) throw f.Error(node, "features.crosses", "expected a list of crosses, e.g. - [Home, Intent]");
        var crosses = new List<FeatureCross>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var path = $"features.crosses[{i}]";
            var options = new FeatureTransform();
            var columnsNode = item;
            if (item is YamlMappingNode m)
            {
                var k = f.Keys(m, path, "columns", "encode", "min_frequency", "max_categories", "buckets");
                columnsNode = k.TryGetValue("columns", out var c) ? c : throw f.Error(item, path, "expected columns: [A, B]");
                k.Remove("columns");
                options = FromKeys(f, k, item, path);
                if (options.Encode == "target") throw f.Error(item, $"{path}.encode", "expected onehot or hash (a cross is not target encoded)");
            }
            var pair = f.StringList(columnsNode, $"{path}.columns");
            if (pair.Count != 2 || pair[0] == pair[1]) throw f.Error(columnsNode, $"{path}.columns", "expected two different columns, e.g. [Home, Intent]");
            crosses.Add(new FeatureCross(pair[0], pair[1], options));
        }
        return crosses;
    }

    private static FeatureTransform ReadTransform(YamlFields f, YamlNode node, string field, string[] allowed) =>
        FromKeys(f, f.Keys(f.Mapping(node, field), field, allowed), node, field);

    private static FeatureTransform FromKeys(YamlFields f, Dictionary<string, YamlNode> k, YamlNode node, string field)
    {
        string? OneOf(string key, params string[] values)
        {
            if (!k.TryGetValue(key, out var n)) return null;
            var v = f.String(n, $"{field}.{key}");
            return values.Contains(v) ? v : throw f.Error(n, $"{field}.{key}", $"expected one of {string.Join(", ", values)}, got '{v}'");
        }
        int? AtLeast(string key, int min, int max = int.MaxValue)
        {
            if (!k.TryGetValue(key, out var n)) return null;
            var v = f.Integer(n, $"{field}.{key}");
            return v >= min && v <= max ? v : throw f.Error(n, $"{field}.{key}", $"expected an integer from {min} to {max}, got {v}");
        }
        var t = new FeatureTransform
        {
            Impute = OneOf("impute", "mean", "median", "most_frequent", "constant"),
            FillValue = k.TryGetValue("fill_value", out var fv) ? f.Number(fv, $"{field}.fill_value") : null,
            MissingIndicator = k.TryGetValue("missing_indicator", out var mi) ? f.Bool(mi, $"{field}.missing_indicator") : null,
            Scale = OneOf("scale", "none", "standard", "minmax", "robust"),
            Bins = OneOf("bins", "quantile", "uniform", "fixed"),
            BinCount = AtLeast("n_bins", 2, 1000),
            Encode = OneOf("encode", "onehot", "hash", "target"),
            MinFrequency = AtLeast("min_frequency", 1),
            MaxCategories = AtLeast("max_categories", 1, 10_000),
            Buckets = AtLeast("buckets", 1, 65_536),
            Folds = AtLeast("folds", 2, 100),
        };
        if (k.TryGetValue("edges", out var ed))
        {
            if (ed is not YamlSequenceNode { Children.Count: > 0 } list) throw f.Error(ed, $"{field}.edges", "expected a list of cut points, e.g. [0, 10, 100]");
            var edges = list.Children.Select((e, i) => f.Number(e, $"{field}.edges[{i}]")).ToArray();
            for (var i = 1; i < edges.Length; i++)
            {
                if (edges[i] <= edges[i - 1]) throw f.Error(ed, $"{field}.edges", $"expected ascending cut points, but {edges[i]} follows {edges[i - 1]}");
            }
            t = t with { BinEdges = edges };
        }
        if (k.TryGetValue("smoothing", out var sm) && f.Scalar(sm, $"{field}.smoothing") != "auto")
        {
            var v = f.Number(sm, $"{field}.smoothing");
            t = t with { Smoothing = v >= 0 ? v : throw f.Error(sm, $"{field}.smoothing", $"expected auto or a number of rows of at least 0, got {v}") };
        }
        if (k.TryGetValue("parts", out var pa))
        {
            var parts = f.StringList(pa, $"{field}.parts");
            for (var i = 0; i < parts.Count; i++)
            {
                if (!DateParts.Contains(parts[i])) throw f.Error(pa, $"{field}.parts[{i}]", $"expected one of {string.Join(", ", DateParts)}, got '{parts[i]}'");
            }
            t = t with { Parts = parts.Distinct(StringComparer.Ordinal).ToArray() };
        }
        if (t.Bins == "fixed" && t.BinEdges is null) throw f.Error(node, $"{field}.edges", "bins: fixed needs its cut points, e.g. edges: [0, 10, 100]");
        if (t.BinEdges is not null && t.Bins is not (null or "fixed")) throw f.Error(node, $"{field}.edges", $"edges go with bins: fixed, not bins: {t.Bins}");
        if (t.BinEdges is not null) t = t with { Bins = "fixed" };
        if (t.Bins is not null && t.Scale is not (null or "none")) throw f.Error(node, field, "expected either bins or scale: a binned value is its bin number, which is not scaled");
        if (t.FillValue is not null && t.Impute is not (null or "constant")) throw f.Error(node, $"{field}.fill_value", $"fill_value goes with impute: constant, not impute: {t.Impute}");
        return t;
    }
}
