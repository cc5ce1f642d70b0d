using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Training.Baselines;
using Keel.Training.Heuristics;
using Keel.Training.MlNet;

namespace Keel.Training;

/// <summary>Turns model specs into trainers, validating every option up front.</summary>
public static class TrainerCatalog
{
    /// <summary>Every trainer type a spec may name.</summary>
    public static IReadOnlyList<string> Types { get; } = ["random", "zero_rule", "heuristic", "linear", "lightgbm", "fasttree", "fastforest", "random_forest", "voting", "stacking", "bagging"];

    /// <summary>A configured trainer for <paramref name="spec"/>.</summary>
    /// <param name="spec">The model spec.</param>
    /// <param name="task">The task the data asks for.</param>
    /// <param name="modelIndex">The spec's index in models[], used in error messages ("models[2] (gbm)").</param>
    /// <exception cref="KeelInputException">Unknown type or option, an unparsable or out-of-range value, or bad heuristic rules.</exception>
    public static ITrainer Create(ModelSpec spec, TaskKind task, int modelIndex)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Create(spec, task, $"models[{modelIndex}] ({spec.DisplayName})");
    }

    private static ITrainer Create(ModelSpec spec, TaskKind task, string where)
    {
        if (spec.Type != "heuristic" && spec.Rules.Count > 0)
            throw new KeelInputException($"{where}: 'rules' apply only to type heuristic, not '{spec.Type}'.");
        if (Ensembles.EnsembleCatalog.Types.Contains(spec.Type))
            return Ensembles.EnsembleCatalog.Create(spec, task, where, (member, memberWhere) => Create(member, task, memberWhere));
        if (spec.Members.Count > 0)
            throw new KeelInputException($"{where}: 'members' and 'base' apply only to the ensembles ({string.Join(", ", Ensembles.EnsembleCatalog.Types)}), not '{spec.Type}'.");
        var reader = new OptionReader(spec.Options, where);
        switch (spec.Type)
        {
            case "random" or "zero_rule":
                reader.Finish();
                return new BaselineTrainer(spec.Type);
            case "heuristic":
                reader.Finish();
                return new HeuristicTrainer(spec.Rules, where);
            case "linear":
                return MlNet(spec.Type, task, LinearOptions.Read(reader), reader, where);
            case "lightgbm":
                return MlNet(spec.Type, task, LightGbmOptions.Read(reader), reader, where);
            case "fasttree":
                return MlNet(spec.Type, task, FastTreeOptions.Read(reader), reader, where);
            case "fastforest":
                return MlNet(spec.Type, task, FastForestOptions.Read(reader, task), reader, where);
            case "random_forest":
                {
                    var options = Forest.RandomForestOptions.Read(reader);
                    return new Forest.RandomForestTrainer(task, options, reader.Finish(), where);
                }
            default:
                throw new KeelInputException($"{where}: unknown model type '{spec.Type}'; expected one of: {string.Join(", ", Types)}.");
        }
    }

    /// <summary>Above this many rows the default forest is ML.NET's <c>fastforest</c> (at most 64 leaves a tree) rather than
    /// <c>random_forest</c>, whose unpruned trees grow about a node per training row each (some 36 bytes a node: 100 trees over
    /// 200,000 rows hold up to about 1 GB).</summary>
    public const long ForestRowLimit = 200_000;

    /// <summary>The models trained when a spec lists none: two baselines, linear, the two boosters and Keel's own random forest
    /// (which replaced ML.NET's fastforest: better by cv on 8 of 12 bench sets and cheaper; docs/models.md), default options;
    /// with more than <see cref="ForestRowLimit"/> <paramref name="rows"/>, fastforest instead of random_forest.</summary>
    public static IReadOnlyList<ModelSpec> DefaultCandidates(TaskKind task, long rows = 0) =>
        new[] { "random", "zero_rule", "linear", "lightgbm", "fasttree", rows > ForestRowLimit ? "fastforest" : "random_forest" }.Select(t => new ModelSpec { Type = t }).ToArray();

    private static MlNetTrainer MlNet(string type, TaskKind task, object options, OptionReader reader, string where) =>
        new(type, task, options, reader.Finish(), where);
}
