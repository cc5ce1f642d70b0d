using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Data;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Spec;

/// <summary>Reads keel.yaml into a <see cref="KeelSpec"/>; every error names the file, line and field.</summary>
internal static class SpecReader
{
    /// <summary>Reads the spec file; returns its text too, so a run can store exactly what it ran.</summary>
    public static (KeelSpec Spec, string Text) ReadFile(string path)
    {
        if (!File.Exists(path)) throw new KeelInputException($"Spec file '{path}' does not exist.");
        var text = File.ReadAllText(path);
        return (Parse(text, path), text);
    }

    public static KeelSpec Parse(string yaml, string fileName)
    {
        var (f, root) = YamlFields.Load(yaml, fileName, "the spec is empty; expected at least a 'data' section");
        var keys = f.Keys(root, "", "experiment", "data", "split", "models", "metric", "register", "seed", "evaluation", "monitor", "retrain", "search", "leakage", "imbalance", "augment", "features", "labels", "integrity");
        if (!keys.TryGetValue("data", out var dataNode))
            throw new KeelInputException($"{fileName}: missing the 'data' section; expected data.path and data.label.");
        var seed = keys.TryGetValue("seed", out var s) ? f.Integer(s, "seed") : 42;
        return new KeelSpec
        {
            Experiment = keys.TryGetValue("experiment", out var e) ? f.String(e, "experiment") : null,
            Data = ReadData(f, f.Mapping(dataNode, "data")),
            Split = keys.TryGetValue("split", out var sp) ? ReadSplit(f, f.Mapping(sp, "split")) : new SplitSpec(),
            Models = keys.TryGetValue("models", out var m) ? ReadModels(f, m) : [],
            Metric = keys.TryGetValue("metric", out var mt) ? f.String(mt, "metric") : null,
            Register = keys.TryGetValue("register", out var r) ? ReadRegister(f, f.Mapping(r, "register")) : new RegisterSpec(),
            Evaluation = keys.TryGetValue("evaluation", out var ev) ? EvaluationSpecReader.Read(f, f.Mapping(ev, "evaluation")) : new EvaluationSpec(),
            Search = keys.TryGetValue("search", out var se) ? SearchSpecReader.Read(f, f.Mapping(se, "search")) : null,
            Seed = seed,
            Leakage = keys.TryGetValue("leakage", out var lk) ? f.Enum<CheckMode>(lk, "leakage") : CheckMode.Warn,
            Integrity = keys.TryGetValue("integrity", out var ig) ? f.Enum<CheckMode>(ig, "integrity") : CheckMode.Warn,
            Imbalance = keys.TryGetValue("imbalance", out var im) ? ReadImbalance(f, f.Mapping(im, "imbalance")) : null,
            Augment = keys.TryGetValue("augment", out var au) ? ReadAugment(f, f.Mapping(au, "augment")) : null,
            Features = keys.TryGetValue("features", out var fe) ? FeaturesSpecReader.Read(f, f.Mapping(fe, "features")) : null,
            Labels = keys.TryGetValue("labels", out var lb) ? ReadLabels(f, f.Mapping(lb, "labels")) : null,
        };
    }

    private static DataSpec ReadData(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "data", "path", "format", "label", "task", "positive_class", "ignore", "time_column", "time_features", "group_column", "types",
            "missing", "encoding", "delimiter", "decimal", "contract", "available_at", "sample", "weight");
        if (!k.TryGetValue("path", out var path)) throw f.Error(map, "data.path", "missing; expected the path of a CSV, JSON lines or Parquet file");
        if (!k.TryGetValue("label", out var label)) throw f.Error(map, "data.label", "missing; expected the name of the label column");
        var types = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
        if (k.TryGetValue("types", out var t))
        {
            foreach (var (col, type) in f.Mapping(t, "data.types").Children)
            {
                var name = f.Scalar(col, "data.types");
                types[name] = f.Enum<ColumnType>(type, $"data.types.{name}");
            }
        }
        var availableAt = new Dictionary<string, string>(StringComparer.Ordinal);
        if (k.TryGetValue("available_at", out var av))
        {
            foreach (var (col, when) in f.Mapping(av, "data.available_at").Children)
            {
                var name = f.Scalar(col, "data.available_at");
                var value = f.Scalar(when, $"data.available_at.{name}");
                if (value is not ("at_prediction" or "after_label"))
                    throw f.Error(when, $"data.available_at.{name}", $"expected at_prediction or after_label, got '{value}'");
                availableAt[name] = value;
            }
        }
        var format = k.TryGetValue("format", out var fm) ? f.String(fm, "data.format").ToLowerInvariant() : null;
        if (format is not (null or "csv" or "jsonl" or "parquet"))
            throw f.Error(fm!, "data.format", $"expected csv, jsonl or parquet, got '{format}'");
        return new DataSpec
        {
            Path = f.String(path, "data.path"),
            Format = format,
            Label = f.String(label, "data.label"),
            Task = k.TryGetValue("task", out var task) ? f.Enum<TaskKind>(task, "data.task") : null,
            PositiveClass = k.TryGetValue("positive_class", out var pc) ? f.String(pc, "data.positive_class") : null,
            Ignore = k.TryGetValue("ignore", out var ig) ? f.StringList(ig, "data.ignore") : [],
            TimeColumn = k.TryGetValue("time_column", out var tc) ? f.String(tc, "data.time_column") : null,
            TimeFeatures = k.TryGetValue("time_features", out var tf) ? TimeParts(f, tf, tc) : [],
            GroupColumn = k.TryGetValue("group_column", out var gc) ? f.String(gc, "data.group_column") : null,
            Types = types,
            Missing = k.TryGetValue("missing", out var ms) ? f.StringList(ms, "data.missing") : [],
            Encoding = k.TryGetValue("encoding", out var en) ? Checked(f, en, "data.encoding", TextFormats.EncodingProblem) : null,
            Delimiter = k.TryGetValue("delimiter", out var dl) ? Checked(f, dl, "data.delimiter", TextFormats.DelimiterProblem) : null,
            Decimal = k.TryGetValue("decimal", out var dm) ? Checked(f, dm, "data.decimal", TextFormats.DecimalProblem) : null,
            Contract = k.TryGetValue("contract", out var ct) ? f.String(ct, "data.contract") : null,
            AvailableAt = availableAt,
            Sample = k.TryGetValue("sample", out var sa) ? ReadSample(f, f.Mapping(sa, "data.sample")) : null,
            Weight = k.TryGetValue("weight", out var we) ? f.String(we, "data.weight") : null,
        };
    }

    private static LabelsSpec ReadLabels(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "labels", "weak", "min_confidence", "self_training");
        var spec = new LabelsSpec { Weak = k.TryGetValue("weak", out var w) ? f.Scalar(w, "labels.weak") : null };
        if (k.TryGetValue("min_confidence", out var mc))
        {
            var v = f.Number(mc, "labels.min_confidence");
            if (v is < 0 or > 1) throw f.Error(mc, "labels.min_confidence", $"expected a probability from 0 to 1, got {v}");
            spec = spec with { MinConfidence = v };
        }
        if (k.TryGetValue("self_training", out var st))
        {
            var sk = f.Keys(f.Mapping(st, "labels.self_training"), "labels.self_training", "threshold", "iterations");
            var self = new SelfTrainingSpec();
            if (sk.TryGetValue("threshold", out var t))
            {
                var v = f.Number(t, "labels.self_training.threshold");
                if (v is <= 0.5 or > 1) throw f.Error(t, "labels.self_training.threshold", $"expected a probability above 0.5 and at most 1, got {v}");
                self = self with { Threshold = v };
            }
            if (sk.TryGetValue("iterations", out var it))
            {
                var v = f.Integer(it, "labels.self_training.iterations");
                if (v is < 1 or > 100) throw f.Error(it, "labels.self_training.iterations", $"expected a number of rounds from 1 to 100, got {v}");
                self = self with { Iterations = v };
            }
            spec = spec with { SelfTraining = self };
        }
        return spec;
    }

    private static AugmentSpec ReadAugment(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "augment", "copies", "noise", "swaps", "seed");
        var spec = new AugmentSpec { Seed = k.TryGetValue("seed", out var sd) ? f.Integer(sd, "augment.seed") : null };
        if (k.TryGetValue("copies", out var c))
        {
            var v = f.Integer(c, "augment.copies");
            if (v is < 1 or > 100) throw f.Error(c, "augment.copies", $"expected a number of copies from 1 to 100, got {v}");
            spec = spec with { Copies = v };
        }
        if (k.TryGetValue("noise", out var nz))
        {
            var v = f.Number(nz, "augment.noise");
            if (v is < 0 or > 1) throw f.Error(nz, "augment.noise", $"expected a fraction of the column's standard deviation from 0 to 1, got {v}");
            spec = spec with { Noise = v };
        }
        if (k.TryGetValue("swaps", out var sw))
        {
            var swaps = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            foreach (var (col, m) in f.Mapping(sw, "augment.swaps").Children)
            {
                var name = f.Scalar(col, "augment.swaps");
                var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (from, to) in f.Mapping(m, $"augment.swaps.{name}").Children)
                    pairs[f.Scalar(from, $"augment.swaps.{name}")] = f.Scalar(to, $"augment.swaps.{name}");
                swaps[name] = pairs;
            }
            spec = spec with { Swaps = swaps };
        }
        return spec;
    }

    private static ImbalanceSpec ReadImbalance(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "imbalance", "method", "k", "seed", "class_weight");
        if (!k.TryGetValue("method", out var m) && !k.ContainsKey("class_weight"))
            throw f.Error(map, "imbalance.method", "missing; expected oversample, undersample, smote, smote_nc or tomek (or imbalance.class_weight)");
        string? method = null;
        if (m is not null)
        {
            method = f.String(m, "imbalance.method");
            if (method is not ("oversample" or "undersample" or "smote" or "smote_nc" or "tomek"))
                throw f.Error(m, "imbalance.method", $"expected oversample, undersample, smote, smote_nc or tomek, got '{method}'");
        }
        var spec = new ImbalanceSpec
        {
            Method = method,
            Seed = k.TryGetValue("seed", out var sd) ? f.Integer(sd, "imbalance.seed") : null,
            ClassWeight = k.TryGetValue("class_weight", out var cw) ? ReadClassWeight(f, cw) : null,
        };
        if (k.TryGetValue("k", out var kn))
        {
            var v = f.Integer(kn, "imbalance.k");
            if (v < 1) throw f.Error(kn, "imbalance.k", $"expected a number of neighbours of at least 1, got {v}");
            spec = spec with { K = v };
        }
        return spec;
    }

    /// <summary>imbalance.class_weight: <c>balanced</c> or a map of class to a weight above 0.</summary>
    private static ClassWeightSpec ReadClassWeight(YamlFields f, YamlNode node)
    {
        const string field = "imbalance.class_weight";
        if (node is YamlScalarNode)
        {
            var text = f.String(node, field);
            return text == "balanced" ? new ClassWeightSpec(true, new Dictionary<string, double>())
                : throw f.Error(node, field, $"expected balanced or a map of class to weight (e.g. {{bad: 5, good: 1}}), got '{text}'");
        }
        var given = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (cls, weight) in f.Mapping(node, field).Children)
        {
            var name = f.Scalar(cls, field);
            var w = f.Number(weight, $"{field}.{name}");
            if (!(w > 0) || !double.IsFinite(w)) throw f.Error(weight, $"{field}.{name}", $"expected a weight above 0, got {w.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            given[name] = w;
        }
        if (given.Count == 0) throw f.Error(node, field, "expected balanced or at least one class: weight pair");
        return new ClassWeightSpec(false, given);
    }

    private static SampleSpec ReadSample(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "data.sample", "strategy", "n", "by", "weights", "seed");
        if (!k.TryGetValue("strategy", out var st)) throw f.Error(map, "data.sample.strategy", "missing; expected random, stratified, weighted, reservoir or importance");
        var strategy = f.String(st, "data.sample.strategy");
        if (strategy is not ("random" or "stratified" or "weighted" or "reservoir" or "importance"))
            throw f.Error(st, "data.sample.strategy", $"expected random, stratified, weighted, reservoir or importance, got '{strategy}'");
        long? n = null;
        if (k.TryGetValue("n", out var nn))
        {
            var v = f.Number(nn, "data.sample.n");
            if (v < 1 || v != Math.Floor(v)) throw f.Error(nn, "data.sample.n", $"expected a whole number of rows of at least 1, got {v}");
            n = (long)v;
        }
        string? weightColumn = null;
        Dictionary<string, double>? rates = null;
        if (k.TryGetValue("weights", out var w))
        {
            if (w is YamlMappingNode m)
            {
                rates = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (cls, rate) in m.Children)
                {
                    var name = f.Scalar(cls, "data.sample.weights");
                    var r = f.Number(rate, $"data.sample.weights.{name}");
                    if (r is < 0 or > 1) throw f.Error(rate, $"data.sample.weights.{name}", $"expected a keep rate from 0 to 1, got {r}");
                    rates[name] = r;
                }
            }
            else weightColumn = f.String(w, "data.sample.weights");
        }
        if (n is null && !(strategy == "weighted" && rates is not null))
            throw f.Error(map, "data.sample.n", $"missing; strategy {strategy} needs the number of rows to draw");
        return new SampleSpec
        {
            Strategy = strategy,
            N = n,
            By = k.TryGetValue("by", out var by) ? f.String(by, "data.sample.by") : null,
            WeightColumn = weightColumn,
            ClassRates = rates,
            Seed = k.TryGetValue("seed", out var sd) ? f.Integer(sd, "data.sample.seed") : null,
        };
    }

    /// <summary>Date parts that do not extrapolate: cyclic within a year, week or day.</summary>
    public static IReadOnlyList<string> TimeFeatureParts { get; } = ["month", "day", "dayofweek", "dayofyear", "hour", "minuteofday"];

    private static IReadOnlyList<string> TimeParts(YamlFields f, YamlNode node, YamlNode? timeColumn)
    {
        var parts = f.StringList(node, "data.time_features");
        if (parts.Count > 0 && timeColumn is null)
            throw f.Error(node, "data.time_features", "needs data.time_column, the column the parts are taken from");
        for (var i = 0; i < parts.Count; i++)
        {
            if (!TimeFeatureParts.Contains(parts[i]))
                throw f.Error(node, $"data.time_features[{i}]", $"expected one of {string.Join(", ", TimeFeatureParts)}, got '{parts[i]}' (year and the raw time extrapolate beyond the training period, so they are not offered)");
        }
        return parts.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A scalar the data reader must understand, checked here so the error names the spec line.</summary>
    private static string Checked(YamlFields f, YamlNode node, string field, Func<string, string?> problem)
    {
        var value = f.Scalar(node, field);
        return problem(value) is { } expected ? throw f.Error(node, field, $"{expected}, got '{value}'") : value;
    }

    private static SplitSpec ReadSplit(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "split", "strategy", "test_fraction", "validation_fraction", "seed", "predefined", "refit", "selection", "folds", "ties");
        var spec = new SplitSpec
        {
            Strategy = k.TryGetValue("strategy", out var st) ? f.Enum<SplitStrategy>(st, "split.strategy") : null,
            Seed = k.TryGetValue("seed", out var sd) ? f.Integer(sd, "split.seed") : null,
            Refit = !k.TryGetValue("refit", out var rf) || f.Bool(rf, "split.refit"),
            Selection = k.TryGetValue("selection", out var sl) ? f.Enum<SelectionMode>(sl, "split.selection") : null,
            Ties = k.TryGetValue("ties", out var ti) ? f.Enum<TieBreak>(ti, "split.ties") : TieBreak.Simplest,
        };
        if (k.TryGetValue("folds", out var fo))
        {
            var v = f.Integer(fo, "split.folds");
            if (v is < 2 or > 20) throw f.Error(fo, "split.folds", $"expected a whole number of folds from 2 to 20, got {v}");
            spec = spec with { Folds = v };
        }
        if (k.TryGetValue("test_fraction", out var tf))
        {
            var v = f.Number(tf, "split.test_fraction");
            if (v is <= 0 or >= 1) throw f.Error(tf, "split.test_fraction", $"expected a number between 0 and 1 (exclusive), got {v}");
            spec = spec with { TestFraction = v };
        }
        if (k.TryGetValue("validation_fraction", out var vf))
        {
            var v = f.Number(vf, "split.validation_fraction");
            if (v is < 0 or >= 1) throw f.Error(vf, "split.validation_fraction", $"expected a number from 0 up to (not including) 1, got {v}");
            spec = spec with { ValidationFraction = v };
        }
        if (k.TryGetValue("predefined", out var pd))
        {
            var pk = f.Keys(f.Mapping(pd, "split.predefined"), "split.predefined", "test_rows", "column");
            var p = new PredefinedSplitSpec
            {
                TestRows = pk.TryGetValue("test_rows", out var tr) ? f.String(tr, "split.predefined.test_rows") : null,
                Column = pk.TryGetValue("column", out var c) ? f.String(c, "split.predefined.column") : null,
            };
            if ((p.TestRows is null) == (p.Column is null))
                throw f.Error(pd, "split.predefined", "expected exactly one of test_rows (a file of row indices) or column");
            spec = spec with { Predefined = p };
        }
        if (spec.Strategy == SplitStrategy.Predefined && spec.Predefined is null)
            throw f.Error(map, "split.predefined", "missing; strategy predefined needs predefined.test_rows or predefined.column");
        if (spec.Predefined is not null && spec.Strategy is not (null or SplitStrategy.Predefined))
            throw f.Error(pd!, "split.predefined", $"only used with strategy predefined, but strategy is {spec.Strategy!.Value.ToString().ToLowerInvariant()}");
        return spec.Predefined is not null ? spec with { Strategy = SplitStrategy.Predefined } : spec;
    }

    private static IReadOnlyList<ModelSpec> ReadModels(YamlFields f, YamlNode node)
    {
        if (node is not YamlSequenceNode seq) throw f.Error(node, "models", "expected a list of models (- type: lightgbm)");
        var models = new List<ModelSpec>();
        for (var i = 0; i < seq.Children.Count; i++) models.Add(ReadModel(f, seq.Children[i], $"models[{i}]", members: true));
        var dup = models.GroupBy(m => m.DisplayName).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw f.Error(node, "models", $"two models are called '{dup.Key}'; give them distinct 'name' fields");
        return models;
    }

    /// <summary>One model: a type name alone or a mapping; with <paramref name="members"/>, an ensemble's members (or bagging's
    /// base) and its top-level settings (weights, folds, n), which join its options.</summary>
    private static ModelSpec ReadModel(YamlFields f, YamlNode item, string field, bool members)
    {
        if (item is YamlScalarNode) return new ModelSpec { Type = f.String(item, field) };
        string[] allowed = members
            ? ["type", "name", "options", "rules", "rule", "members", "base", "weights", "folds", "n"]
            : ["type", "name", "options"];
        var k = f.Keys(f.Mapping(item, field), field, allowed);
        if (!k.TryGetValue("type", out var type)) throw f.Error(item, $"{field}.type", "missing; expected a model type such as lightgbm");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (k.TryGetValue("options", out var o))
        {
            foreach (var (ok, ov) in f.Mapping(o, $"{field}.options").Children)
            {
                var name = f.Scalar(ok, $"{field}.options");
                options[name] = f.Scalar(ov, $"{field}.options.{name}");
            }
        }
        foreach (var key in new[] { "folds", "n" })
        {
            if (k.TryGetValue(key, out var v)) options[key] = f.Scalar(v, $"{field}.{key}");
        }
        if (k.TryGetValue("weights", out var w)) options["weights"] = string.Join(",", f.StringList(w, $"{field}.weights"));
        var rules = new List<string>();
        if (k.TryGetValue("rules", out var rs)) rules.AddRange(f.StringList(rs, $"{field}.rules"));
        if (k.TryGetValue("rule", out var r1)) rules.Add(f.String(r1, $"{field}.rule"));
        var memberSpecs = new List<ModelSpec>();
        if (k.TryGetValue("members", out var ms))
        {
            if (ms is not YamlSequenceNode list) throw f.Error(ms, $"{field}.members", "expected a list of models (members: [lightgbm, linear])");
            for (var j = 0; j < list.Children.Count; j++) memberSpecs.Add(ReadModel(f, list.Children[j], $"{field}.members[{j}]", members: false));
        }
        if (k.TryGetValue("base", out var b))
        {
            if (memberSpecs.Count > 0) throw f.Error(b, $"{field}.base", "not allowed beside 'members'; bagging takes one base model");
            memberSpecs.Add(ReadModel(f, b, $"{field}.base", members: false));
        }
        return new ModelSpec
        {
            Type = f.String(type, $"{field}.type"),
            Name = k.TryGetValue("name", out var n) ? f.String(n, $"{field}.name") : null,
            Options = options,
            Rules = rules,
            Members = memberSpecs,
        };
    }

    private static RegisterSpec ReadRegister(YamlFields f, YamlMappingNode map)
    {
        var k = f.Keys(map, "register", "name", "enabled", "gates", "alias");
        return new RegisterSpec
        {
            Name = k.TryGetValue("name", out var n) ? f.String(n, "register.name") : null,
            Enabled = !k.TryGetValue("enabled", out var en) || f.Bool(en, "register.enabled"),
            Gates = k.TryGetValue("gates", out var g) ? f.StringList(g, "register.gates") : [],
            Alias = k.TryGetValue("alias", out var a) ? f.String(a, "register.alias") : null,
        };
    }
}
