using Spectre.Console;
using System.CommandLine;
using System.Text;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Data;
using Keel.Training;

namespace Keel.Cli.Commands;

/// <summary>`keel init DATA --label L`: writes a keel.yaml with the inferred schema and sensible defaults.</summary>
internal static class InitCommand
{
    public static Command Build(CommandOptions o)
    {
        var data = new Argument<string>("data") { Description = "The table: CSV, JSON lines or Parquet" };
        var label = new Option<string>("--label") { Description = "The label (target) column", Required = true };
        var task = new Option<string?>("--task") { Description = "binary, multiclass or regression (default: inferred)" };
        var output = new Option<string>("--out") { Description = "Spec file to write", DefaultValueFactory = _ => "keel.yaml" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing spec file" };
        var command = new Command("init", "Write a keel.yaml for a table: inferred schema and task, default split, baselines and candidates")
        {
            data, label, task, output, force,
        };
        command.SetAction(result =>
        {
            var c = o.Context;
            var outPath = c.Resolve(result.GetValue(output)!);
            if (File.Exists(outPath) && !result.GetValue(force))
                throw new KeelInputException($"'{outPath}' already exists; pass --force to overwrite it.");
            TaskKind? taskKind = result.GetValue(task) is { } t
                ? Enum.TryParse<TaskKind>(t, true, out var k) && Enum.IsDefined(k) ? k : throw new KeelInputException($"--task: expected binary, multiclass or regression, got '{t}'.")
                : null;
            var yaml = Write(c.Resolve(result.GetValue(data)!), result.GetValue(label)!, taskKind, Path.GetDirectoryName(outPath)!);
            File.WriteAllText(outPath, yaml);
            c.Console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/]. Next: keel run {Path.GetRelativePath(c.WorkingDirectory, outPath)}");
            return KeelApp.ExitOk;
        });
        return command;
    }

    public static string Write(string dataPath, string labelColumn, TaskKind? task, string specFolder)
    {
        if (!File.Exists(dataPath)) throw new KeelInputException($"Data file '{dataPath}' does not exist.");
        var loaded = TableReader.Read(dataPath, new ReadOptions());
        var label = LabelEncoding.Encode(loaded.Table, labelColumn, task, null, Path.GetFileName(dataPath));
        var name = Path.GetFileNameWithoutExtension(dataPath);
        var table = loaded.Table;
        var idLike = table.Columns
            .Where(col => col.Name != labelColumn && col is StringColumn s && table.RowCount > 20 && s.MissingCount() == 0
                          && s.Values.ToArray().Distinct().Count() == table.RowCount)
            .Select(col => col.Name).ToArray();
        var firstTime = table.Columns.FirstOrDefault(col => col.Type == ColumnType.DateTime)?.Name;

        var y = new StringBuilder();
        y.AppendLine($"# Written by `keel init` from {Path.GetFileName(dataPath)} ({table.RowCount} rows, {table.Columns.Count} columns).");
        y.AppendLine("# Every field is described in docs/spec.md.");
        y.AppendLine($"experiment: {Q(name)}");
        y.AppendLine("data:");
        y.AppendLine($"  path: {Q(Path.GetRelativePath(specFolder, dataPath).Replace('\\', '/'))}");
        y.AppendLine($"  label: {Q(labelColumn)}");
        var classes = label.Labels.Classes;
        y.AppendLine($"  task: {label.Task.ToString().ToLowerInvariant()}" + (task is null ? "   # inferred" + (classes.Count > 0 ? $" from {classes.Count} label values" : " from a numeric label") : ""));
        if (label.Task == TaskKind.Binary) y.AppendLine($"  positive_class: {Q(classes[1])}");
        if (idLike.Length > 0)
            y.AppendLine($"  ignore: [{string.Join(", ", idLike.Select(Q))}]   # every value distinct: looks like an id");
        else
            y.AppendLine("  # ignore: []            # columns that are not features (ids, free notes)");
        y.AppendLine(firstTime is null ? "  # time_column: date     # enables split strategy 'time'" : $"  time_column: {Q(firstTime)}");
        y.AppendLine("  # group_column: customer_id   # enables split strategy 'group'");
        y.AppendLine("  types:                  # inferred; change one to override");
        foreach (var col in table.Columns)
            y.AppendLine($"    {Q(col.Name)}: {col.Type.ToString().ToLowerInvariant()}" + (col.MissingCount() > 0 ? $"   # {col.MissingCount()} missing" : ""));
        y.AppendLine("split:");
        y.AppendLine($"  strategy: {(label.Task == TaskKind.Regression ? "random" : "stratified")}   # random | stratified | time | group | predefined");
        y.AppendLine("  test_fraction: 0.2");
        y.AppendLine("  validation_fraction: 0.2   # of the non-test rows; models are chosen on it, never on test");
        y.AppendLine("  refit: true                # refit the chosen model on train + validation");
        y.AppendLine("models:                      # baselines first, then candidates");
        foreach (var m in TrainerCatalog.DefaultCandidates(label.Task)) y.AppendLine($"  - type: {m.Type}");
        y.AppendLine($"metric: {MetricCatalog.DefaultFor(label.Task)}");
        y.AppendLine("register:");
        y.AppendLine($"  name: {Q(name)}");
        y.AppendLine("  enabled: true");
        y.AppendLine("  gates:");
        y.AppendLine("    - \"beats: zero_rule\"");
        y.AppendLine("seed: 42");
        return y.ToString();
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Q(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
