using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Training.Ensembles;

/// <summary>Reads an ensemble's spec (voting, stacking, bagging) into its trainer, validating members and options up front.</summary>
internal static class EnsembleCatalog
{
    /// <summary>The ensemble types a spec may name.</summary>
    public static IReadOnlyList<string> Types { get; } = ["voting", "stacking", "bagging"];

    /// <summary>Most bagging replicas.</summary>
    public const int MaxReplicas = 500;

    /// <summary>The trainer for ensemble <paramref name="spec"/>; <paramref name="member"/> makes each member's trainer.</summary>
    public static ITrainer Create(ModelSpec spec, TaskKind task, string where, Func<ModelSpec, string, ITrainer> member)
    {
        var kind = Enum.Parse<EnsembleKind>(spec.Type, ignoreCase: true);
        if (kind == EnsembleKind.Bagging && spec.Members.Count != 1)
            throw new KeelInputException($"{where}: bagging takes one base model ('base: fasttree'), got {spec.Members.Count}.");
        if (kind != EnsembleKind.Bagging && spec.Members.Count < 2)
            throw new KeelInputException($"{where}: {spec.Type} needs at least two members ('members: [lightgbm, linear]'), got {spec.Members.Count}.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var trainers = new List<(string Name, ITrainer Trainer)>();
        for (var i = 0; i < spec.Members.Count; i++)
        {
            var m = spec.Members[i];
            var memberWhere = kind == EnsembleKind.Bagging ? $"{where}.base ({m.DisplayName})" : $"{where}.members[{i}] ({m.DisplayName})";
            if (Types.Contains(m.Type)) throw new KeelInputException($"{memberWhere}: an ensemble cannot be a member of another ensemble.");
            if (!names.Add(m.DisplayName)) throw new KeelInputException($"{memberWhere}: two members are called '{m.DisplayName}'; give them distinct 'name' fields.");
            trainers.Add((m.DisplayName, member(m, memberWhere)));
        }

        var reader = new OptionReader(spec.Options, where);
        var options = new EnsembleOptions();
        switch (kind)
        {
            case EnsembleKind.Voting:
                options = options with { Weights = reader.Doubles("weights", trainers.Count) };
                break;
            case EnsembleKind.Stacking:
                options = options with { Folds = reader.Int("folds", options.Folds, 2, 50), MetaL2 = reader.Double("meta_l2", options.MetaL2, 0, 1e6, minExclusive: true) };
                break;
            case EnsembleKind.Bagging:
                var n = reader.Int("n", 10, 1, MaxReplicas);
                var base0 = trainers[0];
                trainers = Enumerable.Range(0, n).Select(i => ($"{base0.Name}#{i + 1}", base0.Trainer)).ToList();
                break;
        }
        var effective = new SortedDictionary<string, string>(reader.Finish().ToDictionary(), StringComparer.Ordinal)
        {
            ["members"] = string.Join(",", spec.Members.Select(m => m.DisplayName)),
        };
        foreach (var (m, i) in spec.Members.Select((m, i) => (m, i)))
        {
            foreach (var (k, v) in trainers[kind == EnsembleKind.Bagging ? 0 : i].Trainer.EffectiveParams) effective[$"{m.DisplayName}.{k}"] = v;
        }
        return new EnsembleTrainer(kind, task, trainers, options, effective, where);
    }
}
