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
        return command;
    }

    private static Command Weak(CommandOptions o)
    {
        var rules = new Option<string>("--rules") { Description = "Labelling functions: 'NAME: CONDITION -> LABEL', 'NAME: lookup COLUMN in FILE.csv', 'depends: NAME, NAME'", Required = true };
        var data = new Option<string>("--data") { Description = "The data file the functions run over", Required = true };
        var gold = new Option<string?>("--gold") { Description = "Known labels (CSV: label, with row or one line per data row): empirical accuracies and the label model vs majority vote" };
        var output = new Option<string?>("--out") { Description = "Write the data with weak_label, weak_confidence and p_CLASS columns here" };
        var dependencies = new Option<string>("--dependencies") { Description = "Correlated functions: auto (declared and found from agreements), declared (only 'depends:' lines) or none", DefaultValueFactory = _ => "auto" };
        var json = CommandOptions.JsonOption();
        var command = new Command("weak", "Label rows with labelling functions and a label model that learns their accuracies and correlations")
        {
            rules, data, gold, output, dependencies, json,
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
