using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Core.Registry;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel models list | show | alias | unalias`: the model registry.</summary>
internal static class ModelsCommand
{
    public static Command Build(CommandOptions o)
    {
        var models = new Command("models", "The model registry: versions and aliases");
        models.Subcommands.Add(List(o));
        models.Subcommands.Add(Show(o));
        models.Subcommands.Add(Alias(o));
        models.Subcommands.Add(Unalias(o));
        return models;
    }

    private static Command List(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var command = new Command("list", "List registered models") { json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var models = await store.Registry.ListModelsAsync(ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { models });
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "model", "latest version", "aliases", "created" }) table.AddColumn(h);
            foreach (var m in models)
                table.AddRow(Markup.Escape(m.Name), m.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", m.Aliases.Select(a => $"{a.Key} → v{a.Value}"))), Format.Time(m.CreatedAt));
            o.Context.Console.Write(table);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Show(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var version = new Option<int?>("--version") { Description = "Show only this version (with its schema)" };
        var command = new Command("show", "Show a model's versions, aliases and alias history") { name, version, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var n = result.GetValue(name)!;
            var model = await store.Registry.GetModelAsync(n, ct) ?? throw new KeelNotFoundException($"No registered model called '{n}'.");
            var versions = await store.Registry.ListVersionsAsync(n, ct);
            if (result.GetValue(version) is { } v)
                versions = versions.Where(x => x.Version == v).ToArray() is { Length: > 0 } one ? one
                    : throw new KeelNotFoundException($"Model '{n}' has no version {v}; versions are 1..{model.LatestVersion}.");
            var history = await store.Registry.GetAliasHistoryAsync(n, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { model, versions, alias_history = history });
                return KeelApp.ExitOk;
            }
            var c = o.Context.Console;
            c.MarkupLineInterpolated($"[bold]{model.Name}[/]: latest version {model.LatestVersion}, aliases: {(model.Aliases.Count == 0 ? "none" : string.Join(", ", model.Aliases.Select(a => $"{a.Key} → v{a.Value}")))}");
            var table = new Table().Border(TableBorder.Rounded).Title("versions");
            foreach (var h in new[] { "version", "candidate", "task", "created", "source run", "data sha256", "test metrics" }) table.AddColumn(h);
            foreach (var mv in versions)
                table.AddRow(mv.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(mv.Candidate), mv.Task,
                    Format.Time(mv.CreatedAt), Format.ShortId(mv.SourceRunId), mv.DataSha256[..12],
                    Markup.Escape(string.Join(", ", mv.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {Format.Metric(m.Value)}"))));
            c.Write(table);
            if (result.GetValue(version) is not null) c.Write(new Panel(Markup.Escape(versions[0].SchemaJson)).Header("input schema"));
            if (history.Count > 0)
            {
                var h = new Table().Border(TableBorder.Simple).Title("alias history");
                foreach (var col in new[] { "when", "alias", "from", "to", "by", "reason" }) h.AddColumn(col);
                foreach (var e in history)
                    h.AddRow(Format.Time(e.At), Markup.Escape(e.Alias), e.FromVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—",
                        e.ToVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(removed)", Markup.Escape(e.Actor), Markup.Escape(e.Reason ?? ""));
                c.Write(h);
            }
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Alias(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var version = new Argument<int>("version") { Description = "Version to point the alias at" };
        var alias = new Argument<string>("alias") { Description = "Alias, e.g. champion or challenger" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the alias history" };
        var command = new Command("alias", "Point an alias (e.g. champion) at a version; the move is recorded") { name, version, alias, reason, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var e = await store.Registry.SetAliasAsync(result.GetValue(name)!, result.GetValue(alias)!, result.GetValue(version), Actor(o), result.GetValue(reason), ct);
            return Print(o, e, result.GetValue(json));
        });
        return command;
    }

    private static Command Unalias(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var alias = new Argument<string>("alias") { Description = "Alias to remove" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the alias history" };
        var command = new Command("unalias", "Remove an alias; the removal is recorded") { name, alias, reason, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var e = await store.Registry.DeleteAliasAsync(result.GetValue(name)!, result.GetValue(alias)!, Actor(o), result.GetValue(reason), ct);
            return Print(o, e, result.GetValue(json));
        });
        return command;
    }

    private static int Print(CommandOptions o, AliasEvent e, bool json)
    {
        if (json) Json.Write(o.Context.Out, e);
        else
            o.Context.Console.MarkupLineInterpolated($"{e.Name}: alias {e.Alias} {(e.FromVersion is { } f ? $"v{f}" : "(new)")} → {(e.ToVersion is { } t ? $"v{t}" : "(removed)")}");
        return KeelApp.ExitOk;
    }

    private static string Actor(CommandOptions o) => $"keel cli ({o.Context.User})";
}
