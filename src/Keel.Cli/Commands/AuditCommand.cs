using System.CommandLine;
using Keel.Cli.Output;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel audit`: the tracking server's append-only log of writes (who, what, on what, when, answer).</summary>
internal static class AuditCommand
{
    public static Command Build(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var limit = new Option<int>("--limit") { Description = "How many of the latest entries", DefaultValueFactory = _ => 100 };
        var command = new Command("audit", "List the tracking server's writes (who, what, when), oldest of the latest first") { limit, json };
        command.SetAction(async (result, ct) =>
        {
            var n = result.GetValue(limit);
            if (n is < 1 or > 1_000_000) throw new Keel.Core.KeelInputException($"--limit {n}: expected 1 to 1000000");
            await using var store = await o.OpenForReadingAsync(result, ct);
            var entries = await store.Audit.ListAsync(n, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { entries });
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "#", "at", "who", "what", "on", "status" }) table.AddColumn(h);
            foreach (var e in entries)
                table.AddRow(e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Time(e.At), Markup.Escape(e.Actor), Markup.Escape(e.Action),
                    Markup.Escape(e.Target), e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            o.Context.Console.Write(table);
            return KeelApp.ExitOk;
        });
        return command;
    }
}
