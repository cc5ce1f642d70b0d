using System.Text.RegularExpressions;
using Keel.Pipeline.Spec;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Spec;
using Keel.Data;
using Keel.Evaluation;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>A candidate ready to train: its spec and its configured trainer.</summary>
public sealed record Candidate(ModelSpec Spec, ITrainer Trainer)
{
    public string Name => Spec.DisplayName;
}

/// <summary>Everything a run needs, checked before the store is touched: a bad input stops here and leaves the store unchanged.</summary>
public sealed record PreparedRun(
    KeelSpec Spec,
    string SpecPath,
    string SpecText,
    LoadedTable Data,
    Table Table,
    Table Features,
    LabelInfo Label,
    SplitStrategy Strategy,
    SplitResult Split,
    string Metric,
    IReadOnlyList<Candidate> Candidates,
    string Experiment,
    string ModelName,
    int Seed)
{
    public TaskKind Task => Label.Task;
}

/// <summary>Reads the spec and the data, validates every field against the data, and computes the split.</summary>
public static partial class RunPreparation
{
    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$")]
    private static partial Regex AliasPattern();

    public static PreparedRun Prepare(string specPath, int? seedOverride)
    {
        var (spec, specText) = SpecReader.ReadFile(specPath);
        if (seedOverride is { } s) spec = spec with { Seed = s };
        var specName = Path.GetFileName(specPath);
        var dir = Path.GetDirectoryName(Path.GetFullPath(specPath))!;
        var dataPath = Path.GetFullPath(Path.Combine(dir, spec.Data.Path));
        if (!File.Exists(dataPath))
            throw new KeelInputException($"{specName} field 'data.path': the file '{dataPath}' does not exist.");

        var data = TableReader.Read(dataPath, new ReadOptions { Format = spec.Data.Format, Types = spec.Data.Types });
        var source = Path.GetFileName(dataPath);
        RequireColumns(data.Table, specName, spec.Data);
        var label = LabelEncoding.Encode(data.Table, spec.Data.Label, spec.Data.Task, spec.Data.PositiveClass, source);
        var table = label.KeptRows.Length == data.Table.RowCount ? data.Table : data.Table.Take(label.KeptRows);
        var features = table.Drop([spec.Data.Label, .. spec.Data.Ignore]);
        if (features.Columns.Count == 0)
            throw new KeelInputException($"{specName} field 'data.ignore': no feature columns are left once the label and ignored columns are removed.");

        var metric = spec.Metric ?? MetricCatalog.DefaultFor(label.Task);
        if (!MetricCatalog.All.TryGetValue(metric, out var info) || !info.Tasks.Contains(label.Task))
        {
            var fitting = string.Join(", ", MetricCatalog.All.Values.Where(x => x.Tasks.Contains(label.Task)).Select(x => x.Name));
            var problem = info is null ? $"unknown metric '{metric}'" : $"'{metric}' does not apply to a {Lower(label.Task)} task";
            throw new KeelInputException($"{specName} field 'metric': {problem}; expected one of: {fitting}.");
        }

        var models = spec.Models.Count > 0 ? spec.Models : TrainerCatalog.DefaultCandidates(label.Task);
        var candidates = models.Select((ms, i) => new Candidate(ms, TrainerCatalog.Create(ms, label.Task, i))).ToArray();
        Gates.Parse(spec.Register.Gates, candidates.Select(c => c.Name).ToArray());
        if (spec.Register.Alias is { } alias && !AliasPattern().IsMatch(alias))
            throw new KeelInputException($"{specName} field 'register.alias': '{alias}' is not a valid alias; expected a lower-case letter then up to 63 of a-z, 0-9, '_' or '-'.");

        var (strategy, split) = MakeSplit(spec, specName, dir, table, label);
        if (split.Validation.Length == 0 && candidates.Length > 1)
            throw new KeelInputException($"{specName} field 'split.validation_fraction': the validation split is empty, but {candidates.Length} models need one to choose between (the test split is never used for choosing).");

        var experiment = spec.Experiment ?? Path.GetFileNameWithoutExtension(dataPath);
        return new PreparedRun(spec, Path.GetFullPath(specPath), specText, data, table, features, label,
            strategy, split, metric, candidates, experiment, spec.Register.Name ?? experiment, spec.Seed);
    }

    private static void RequireColumns(Table table, string specName, DataSpec d)
    {
        void Need(string? column, string field)
        {
            if (column is not null && !table.Contains(column))
                throw new KeelInputException($"{specName} field '{field}': the data has no column '{column}'; columns are: {string.Join(", ", table.Columns.Select(c => c.Name))}.");
        }
        for (var i = 0; i < d.Ignore.Count; i++) Need(d.Ignore[i], $"data.ignore[{i}]");
        Need(d.TimeColumn, "data.time_column");
        Need(d.GroupColumn, "data.group_column");
        if (d.Ignore.Contains(d.Label))
            throw new KeelInputException($"{specName} field 'data.ignore': the label column '{d.Label}' cannot be ignored.");
    }

    private static (SplitStrategy, SplitResult) MakeSplit(KeelSpec spec, string specName, string dir, Table table, LabelInfo label)
    {
        var s = spec.Split;
        var strategy = s.Strategy ?? (label.Task == TaskKind.Regression ? SplitStrategy.Random : SplitStrategy.Stratified);
        if (strategy == SplitStrategy.Stratified && label.Task == TaskKind.Regression)
            throw new KeelInputException($"{specName} field 'split.strategy': stratified needs classes, but the task is regression; expected random, time, group or predefined.");
        if (strategy == SplitStrategy.Time && spec.Data.TimeColumn is null)
            throw new KeelInputException($"{specName} field 'data.time_column': split strategy 'time' needs the column that orders rows in time.");
        if (strategy == SplitStrategy.Group && spec.Data.GroupColumn is null)
            throw new KeelInputException($"{specName} field 'data.group_column': split strategy 'group' needs the column whose values must not straddle splits.");

        IReadOnlyList<int>? testRows = null;
        if (s.Predefined?.TestRows is { } rowsFile)
        {
            // Indices name rows of the file; rows dropped for a missing label are skipped, the rest renumbered.
            var fileRows = SplitFiles.ReadRowIndices(Path.GetFullPath(Path.Combine(dir, rowsFile)), label.KeptRows.Length + label.DroppedMissing);
            var position = new Dictionary<int, int>(label.KeptRows.Length);
            for (var i = 0; i < label.KeptRows.Length; i++) position[label.KeptRows[i]] = i;
            testRows = fileRows.Where(position.ContainsKey).Select(r => position[r]).ToArray();
        }
        if (s.Predefined?.Column is { } pc && !table.Contains(pc))
            throw new KeelInputException($"{specName} field 'split.predefined.column': the data has no column '{pc}'.");

        var request = new SplitRequest
        {
            Strategy = strategy,
            TestFraction = s.TestFraction,
            ValidationFraction = s.ValidationFraction,
            Seed = s.Seed ?? spec.Seed,
            StratifyBy = label.Task == TaskKind.Regression ? null : label.Labels.ClassIndices,
            TimeColumn = spec.Data.TimeColumn is { } tc ? table[tc] : null,
            GroupColumn = spec.Data.GroupColumn is { } gc ? table[gc] : null,
            PredefinedTestRows = testRows,
            PredefinedColumn = s.Predefined?.Column is { } col ? table[col] : null,
            SourceName = specName,
        };
        return (strategy, Splitter.Split(table.RowCount, request));
    }

    public static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
