using System.CommandLine;
using Keel.Cli.Output;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel experiments list`.</summary>
internal static class ExperimentsCommand
{
    public static Command Build(CommandOptions o)
    {
        var experiments = new Command("experiments", "Experiments: named groups of runs");
        var json = CommandOptions.JsonOption();
        var list = new Command("list", "List experiments") { json };
        list.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var all = await store.Tracking.ListExperimentsAsync(ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { experiments = all });
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "experiment", "id", "created" }) table.AddColumn(h);
            foreach (var e in all) table.AddRow(Markup.Escape(e.Name), Format.ShortId(e.Id), Format.Time(e.CreatedAt));
            o.Context.Console.Write(table);
            return KeelApp.ExitOk;
        });
        experiments.Subcommands.Add(list);
        return experiments;
    }
}
