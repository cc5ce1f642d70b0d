using System.CommandLine;
using Keel.Cli.Output;
using Keel.Pipeline.Labels;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel label weak|suggest|import|agreement`: labels when there are few.</summary>
internal static class LabelCommand
{
    public static Command Build(CommandOptions o)
    {
        var command = new Command("label", "Get labels when there are few: weak supervision, active learning, annotation import");
        command.Subcommands.Add(Weak(o));
        command.Subcommands.Add(Suggest(o));
        command.Subcommands.Add(Import(o));
        command.Subcommands.Add(AgreementCommand(o));
        return command;
    }

    private static Command Suggest(CommandOptions o)
    {
        var model = new Option<string>("--model") { Description = "NAME@ALIAS (or NAME, NAME:VERSION): the classifier that scores the pool", Required = true };
        var pool = new Option<string>("--pool") { Description = "Unlabelled rows (CSV, JSON lines or Parquet) with the model's input columns", Required = true };
        var n = new Option<int>("--n") { Description = "Rows to suggest", DefaultValueFactory = _ => 100 };
        var strategy = new Option<string>("--strategy") { Description = "uncertainty, margin, entropy or diversity", DefaultValueFactory = _ => "uncertainty" };
        var output = new Option<string?>("--out") { Description = "Write the suggested rows (row, score, then the pool's columns) here (.csv or .tsv)" };
        var json = CommandOptions.JsonOption();
        var text = CommandOptions.TextFileOptions();
        var command = new Command("suggest", "Suggest the unlabelled rows most worth labelling next (active learning)")
        {
            model, pool, n, strategy, output, text.Encoding, text.Delimiter, text.Decimal, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var c = o.Context;
            var reading = CommandOptions.TextFileValues(result, text);
            var s = result.GetValue(strategy)!;
            if (!Enum.TryParse<QueryStrategy>(s, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(s, out _))
                throw new Keel.Core.KeelInputException($"--strategy: expected uncertainty, margin, entropy or diversity, got '{s}'.");
            var reference = Keel.Pipeline.Predict.ModelReference.Parse(result.GetValue(model)!);
            await using var store = await o.OpenForReadingAsync(result, ct);
            var version = await Keel.Pipeline.Predict.ModelLoader.ResolveAsync(store.Registry, reference, ct);
            var loaded = await Keel.Pipeline.Predict.ModelLoader.LoadAsync(store.Artifacts, version, ct);
            var outcome = ActiveLearning.Suggest(loaded, c.Resolve(result.GetValue(pool)!), kind, result.GetValue(n),
                result.GetValue(output) is { } p ? c.Resolve(p) : null, reading);
            if (result.GetValue(json)) Json.Write(c.Out, outcome);
            else
            {
                c.Console.MarkupLineInterpolated($"{outcome.Suggestions.Count} of {outcome.PoolRows:N0} pool rows suggested by {outcome.Strategy} ({outcome.Model}):");
                foreach (var x in outcome.Suggestions.Take(20)) c.Console.MarkupLineInterpolated($"  row {x.Row}: {x.Score:0.####}");
                if (outcome.Output is { } path) c.Console.MarkupLineInterpolated($"Wrote [bold]{path}[/]; add a label column and run 'keel label import'.");
            }
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Import(CommandOptions o)
    {
        var file = new Argument<string>("file") { Description = "The data file whose label column the labels go into" };
        var labels = new Option<string>("--labels") { Description = "CSV with row (0-based data row) and label columns, e.g. keel label suggest's output with a label column added", Required = true };
        var annotator = new Option<string>("--annotator") { Description = "Who gave these labels", Required = true };
        var column = new Option<string>("--label-column") { Description = "The data's label column (added when absent)", DefaultValueFactory = _ => "label" };
        var json = CommandOptions.JsonOption();
        var text = CommandOptions.TextFileOptions();
        var command = new Command("import", "Add annotators' labels to a data file, kept with annotator and time in FILE.labels.csv; measures agreement")
        {
            file, labels, annotator, column, text.Encoding, text.Delimiter, json,
        };
        command.SetAction(result =>
        {
            var c = o.Context;
            var outcome = Annotations.Import(c.Resolve(result.GetValue(file)!), c.Resolve(result.GetValue(labels)!), result.GetValue(annotator)!,
                result.GetValue(column)!, c.Time.GetUtcNow(), CommandOptions.TextFileValues(result, text));
            if (result.GetValue(json)) Json.Write(c.Out, outcome);
            else
            {
                c.Console.MarkupLineInterpolated($"Imported {outcome.Imported:N0} labels into column '{outcome.LabelColumn}' of [bold]{outcome.Data}[/] ({outcome.Labelled:N0} rows labelled); lineage in {outcome.Lineage}.");
                PrintMultiplicity(c.Console, outcome.Multiplicity);
            }
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command AgreementCommand(CommandOptions o)
    {
        var file = new Argument<string>("file") { Description = "The data file whose FILE.labels.csv lineage is measured" };
        var json = CommandOptions.JsonOption();
        var command = new Command("agreement", "Agreement between annotators: pairwise agreement, Cohen's kappa (two annotators), Fleiss' kappa") { file, json };
        command.SetAction(result =>
        {
            var c = o.Context;
            var m = Annotations.Measure(c.Resolve(result.GetValue(file)!));
            if (result.GetValue(json)) Json.Write(c.Out, m);
            else PrintMultiplicity(c.Console, m);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static void PrintMultiplicity(IAnsiConsole console, Multiplicity m)
    {
        static string F(double? v) => v is { } x ? x.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-";
        console.MarkupLineInterpolated($"{m.Annotations:N0} labels from {m.Annotators.Count} annotators on {m.Rows:N0} rows; {m.MultiplyLabelled:N0} rows labelled more than once.");
        console.MarkupLineInterpolated($"Agreement {F(m.Agreement)}, Cohen's kappa {F(m.CohensKappa)}, Fleiss' kappa {F(m.FleissKappa)} (over {m.FleissRows:N0} rows).");
    }

    private static Command Weak(CommandOptions o)
    {
        var rules = new Option<string>("--rules") { Description = "Labelling functions: 'NAME: CONDITION -> LABEL', 'NAME: lookup COLUMN in FILE.csv', 'depends: NAME, NAME'", Required = true };
        var data = new Option<string>("--data") { Description = "The data file the functions run over", Required = true };
        var gold = new Option<string?>("--gold") { Description = "Known labels (CSV: label, with row or one line per data row): empirical accuracies and the label model vs majority vote" };
        var output = new Option<string?>("--out") { Description = "Write the data with weak_label, weak_confidence and p_CLASS columns here (.csv or .tsv; or .jsonl or .parquet like the data)" };
        var dependencies = new Option<string>("--dependencies") { Description = "Correlated functions: auto (declared and found from agreements), declared (only 'depends:' lines) or none", DefaultValueFactory = _ => "auto" };
        var json = CommandOptions.JsonOption();
        var text = CommandOptions.TextFileOptions();
        var command = new Command("weak", "Label rows with labelling functions and a label model that learns their accuracies and correlations")
        {
            rules, data, gold, output, dependencies, text.Encoding, text.Delimiter, text.Decimal, json,
        };
        command.SetAction(result =>
        {
            var c = o.Context;
            var mode = result.GetValue(dependencies)!;
            if (mode is not ("auto" or "declared" or "none"))
                throw new Keel.Core.KeelInputException($"--dependencies: expected auto, declared or none, got '{mode}'.");
            var outcome = WeakLabeler.Run(new WeakLabelRequest
            {
                Rules = c.Resolve(result.GetValue(rules)!),
                Data = c.Resolve(result.GetValue(data)!),
                Gold = result.GetValue(gold) is { } g ? c.Resolve(g) : null,
                Output = result.GetValue(output) is { } p ? c.Resolve(p) : null,
                Model = new Keel.Data.Labels.LabelModelOptions { DetectDependencies = mode == "auto" },
                Declared = mode != "none",
                Read = CommandOptions.TextFileValues(result, text),
            });
            if (result.GetValue(json)) Json.Write(c.Out, outcome);
            else PrintWeak(c.Console, outcome);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static void PrintWeak(IAnsiConsole console, WeakLabelOutcome outcome)
    {
        console.MarkupLineInterpolated($"{outcome.Covered:N0} of {outcome.Rows:N0} rows labelled ({string.Join(", ", outcome.Classes)}); EM took {outcome.Iterations} iterations.");
        var table = new Table().AddColumns("function", "kind", "coverage", "overlap", "conflict", "learned acc.", "gold rows", "empirical acc.");
        static string P(double? v) => v is { } x ? $"{x:P1}" : "-";
        foreach (var f in outcome.Functions)
            table.AddRow(Markup.Escape(f.Name), f.Kind, P(f.Coverage), P(f.Overlap), P(f.Conflict), P(f.LearnedAccuracy), f.GoldRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), P(f.EmpiricalAccuracy));
        console.Write(table);
        foreach (var g in outcome.Groups) console.MarkupLineInterpolated($"Modelled jointly (correlated): {string.Join(", ", g)}");
        if (outcome.LabelModelAccuracy is { } m)
            console.MarkupLineInterpolated($"On {outcome.GoldRows:N0} gold rows: label model {m:P1}, majority vote {P(outcome.MajorityVoteAccuracy)}.");
        if (outcome.Output is { } path) console.MarkupLineInterpolated($"Wrote [bold]{path}[/]");
    }
}
