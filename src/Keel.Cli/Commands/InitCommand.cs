using Spectre.Console;
using System.CommandLine;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Cli.Output;
using Keel.Data;
using Keel.Pipeline.Spec;
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
        var types = new Option<string[]>("--type")
        {
            Description = "COLUMN=TYPE: read a column as numeric, categorical, text, boolean or datetime instead of inferring (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var missing = new Option<string[]>("--missing") { Description = "A token that means 'missing' besides the defaults (repeatable)" };
        var text = CommandOptions.TextFileOptions();
        var command = new Command("init", "Write a keel.yaml for a table: inferred schema and task, default split, baselines and candidates")
        {
            data, label, task, output, force, types, missing, text.Encoding, text.Delimiter, text.Decimal,
        };
        command.SetAction(result =>
        {
            var c = o.Context;
            var outPath = c.Resolve(result.GetValue(output)!);
            Keel.Data.OutputFiles.NotTheInput(outPath, c.Resolve(result.GetValue(data)!), "--out", "the spec");
            if (File.Exists(outPath) && !result.GetValue(force))
                throw new KeelInputException($"'{outPath}' already exists; pass --force to overwrite it.");
            TaskKind? taskKind = result.GetValue(task) is { } t
                ? Enum.TryParse<TaskKind>(t, true, out var k) && Enum.IsDefined(k) ? k : throw new KeelInputException($"--task: expected binary, multiclass or regression, got '{t}'.")
                : null;
            var read = CommandOptions.TextFileValues(result, text) with
            {
                Types = ParseTypes(result.GetValue(types) ?? []),
                MissingTokens = [.. new ReadOptions().MissingTokens, .. result.GetValue(missing) ?? []],
            };
            var yaml = Write(c.Resolve(result.GetValue(data)!), result.GetValue(label)!, taskKind, Path.GetDirectoryName(outPath)!, read,
                result.GetValue(missing) ?? []);
            File.WriteAllText(outPath, yaml);
            c.Console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/]. Next: keel run {Path.GetRelativePath(c.WorkingDirectory, outPath)}");
            return KeelApp.ExitOk;
        });
        return command;
    }

    /// <summary>The date parts data.time_features offers (spec.md), for the spec's comment.</summary>
    private static readonly string[] TimeFeatureChoices = ["month", "day", "dayofweek", "dayofyear", "hour", "minuteofday"];

    /// <summary>
    /// The date parts proposed as features: those that repeat inside the training period, so they carry over to newer rows
    /// under a time split (year and the raw time only grow). Day of week always; hour when the times have a time of day
    /// (date-only values would make it a constant); month when the data span two years, so the rows that train (the oldest
    /// 64 to 80 % under the default split) see every month at least once.
    /// </summary>
    private static IReadOnlyList<string> TimeParts(NumericColumn time)
    {
        var present = Enumerable.Range(0, time.Length).Where(i => !time.IsMissing(i)).Select(i => time[i]).Where(double.IsFinite).ToArray();
        if (present.Length == 0) return ["dayofweek"];
        const double day = 86_400, twoYears = 730 * day;
        var parts = new List<string>();
        if (present.Max() - present.Min() >= twoYears) parts.Add("month");
        parts.Add("dayofweek");
        if (present.Any(t => t % day != 0)) parts.Add("hour");
        return parts;
    }

    /// <summary>`--type COLUMN=TYPE` values as reader overrides; a bad one names the option and what was expected.</summary>
    private static Dictionary<string, ColumnType> ParseTypes(IEnumerable<string> values)
    {
        var types = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.LastIndexOf('=');
            if (eq <= 0 || !Enum.TryParse<ColumnType>(value[(eq + 1)..], ignoreCase: true, out var type) || !Enum.IsDefined(type))
                throw new KeelInputException($"--type: expected COLUMN=TYPE with TYPE one of numeric, categorical, text, boolean or datetime, got '{value}'.");
            types[value[..eq]] = type;
        }
        return types;
    }

    public static string Write(string dataPath, string labelColumn, TaskKind? task, string specFolder) =>
        Write(dataPath, labelColumn, task, specFolder, new ReadOptions(), []);

    /// <summary>The spec for <paramref name="dataPath"/> read with <paramref name="read"/>; <paramref name="extraMissing"/> goes to data.missing.</summary>
    public static string Write(string dataPath, string labelColumn, TaskKind? task, string specFolder, ReadOptions read, IReadOnlyList<string> extraMissing)
    {
        if (!File.Exists(dataPath)) throw new KeelInputException($"Data file '{dataPath}' does not exist.");
        LoadedTable loaded;
        try
        {
            loaded = TableReader.Read(dataPath, read);
        }
        catch (KeelInputException e) when (e.Message.Contains("data.types", StringComparison.Ordinal))
        {
            // The reader's advice names spec fields, which do not exist yet: say how to give the same with init.
            throw new KeelInputException(e.Message + " With keel init: --type COLUMN=categorical, or --missing TOKEN.", e);
        }
        var label = LabelEncoding.Encode(loaded.Table, labelColumn, task, null, Path.GetFileName(dataPath));
        var name = Names.DefaultExperiment(dataPath);
        var table = loaded.Table;
        // Strings all distinct, or consecutive whole numbers each once (a row number): ids, not features.
        var idLike = table.Columns
            .Where(col => col.Name != labelColumn && ((col is StringColumn s && table.RowCount > 20 && s.MissingCount() == 0
                          && s.Values.ToArray().Distinct().Count() == table.RowCount) || Keel.Data.Quality.IntegrityChecks.IsRowNumber(col)))
            .Select(col => col.Name).ToArray();
        var firstTime = table.Columns.FirstOrDefault(col => col.Type == ColumnType.DateTime && col.Name != labelColumn)?.Name;

        // A real emitter: column names with quotes, colons, '#', newlines or control characters must read back as written.
        var y = new YamlWriter();
        y.Comment($"Written by `keel init` from {Path.GetFileName(dataPath)} ({table.RowCount} rows, {table.Columns.Count} columns).");
        y.Comment("Every field is described in docs/spec.md.");
        y.Begin();
        y.Key("experiment").Text(name);
        y.Key("data").BeginMap();
        y.Key("path").Text(Path.GetRelativePath(specFolder, dataPath).Replace('\\', '/'));
        y.Key("label").Text(labelColumn);
        var classes = label.Labels.Classes;
        y.Key("task").Word(label.Task.ToString().ToLowerInvariant());
        if (task is null) y.Comment("inferred" + (classes.Count > 0 ? $" from {classes.Count} label values" : " from a numeric label"), inline: true);
        if (label.Task == TaskKind.Binary)
        {
            y.Key("positive_class").Text(classes[1]);
            y.Comment("the minority class", inline: true);
        }
        if (idLike.Length > 0)
        {
            y.Key("ignore").List(idLike);
            y.Comment("every value distinct: looks like an id", inline: true);
        }
        else y.Comment("ignore: []   columns that are not features (ids, free notes)");
        if (firstTime is null) y.Comment("time_column: date   enables split strategy 'time'");
        else
        {
            y.Key("time_column").Text(firstTime);
            y.Comment("orders rows for the time split; not a feature itself", inline: true);
            var parts = TimeParts((NumericColumn)table[firstTime]);
            y.Key("time_features").List(parts);
            y.Comment($"cyclic date parts as features; also {string.Join(", ", TimeFeatureChoices.Except(parts))}; [] for none", inline: true);
        }
        y.Comment("group_column: customer_id   enables split strategy 'group'");
        if (extraMissing.Count > 0) y.Key("missing").List(extraMissing);
        // How the file was read, so that the run reads it the same way.
        if (read.Encoding is { } encodingName) y.Key("encoding").Text(encodingName);
        if (read.Delimiter is { } delimiterName) y.Key("delimiter").Text(delimiterName);
        if (read.Decimal is { } decimalName) y.Key("decimal").Text(decimalName);
        y.Key("types").BeginMap();
        y.Comment("inferred; change one to override", inline: true);
        foreach (var col in table.Columns)
        {
            y.Key(col.Name).Word(col.Type.ToString().ToLowerInvariant());
            if (col.MissingCount() > 0) y.Comment($"{col.MissingCount()} missing", inline: true);
        }
        y.EndMap().EndMap();
        y.Key("split").BeginMap();
        // Rows that carry a time are tested on the newest ones: a random split would let the model peek at the future.
        var strategy = firstTime is not null ? "time" : label.Task == TaskKind.Regression ? "random" : "stratified";
        y.Key("strategy").Word(strategy);
        y.Comment("random | stratified | time | group | predefined", inline: true);
        y.Key("test_fraction").Word("0.2");
        y.Key("validation_fraction").Word("0.2");
        y.Comment("of the non-test rows; models are chosen on it, never on test", inline: true);
        y.Key("refit").Word("true");
        y.Comment("refit the chosen model on train + validation", inline: true);
        y.EndMap();
        y.Key("models").BeginList();
        y.Comment("baselines first, then candidates", inline: true);
        foreach (var m in TrainerCatalog.DefaultCandidates(label.Task, table.RowCount)) y.BeginMap().Key("type").Word(m.Type).EndMap();
        y.EndList();
        y.Key("metric").Word(MetricCatalog.DefaultFor(label.Task));
        y.Key("register").BeginMap();
        y.Key("name").Text(Names.Slug(name));
        y.Key("enabled").Word("true");
        y.Key("gates").List(["beats: zero_rule"], flow: false);
        y.EndMap();
        y.Key("seed").Word("42");
        return y.End();
    }
}
