using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core.Deployments;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel tokens create | list | revoke`: bearer tokens for the server's admin endpoints and /feedback; only salted hashes are stored.</summary>
internal static class TokensCommand
{
    public static Command Build(CommandOptions o)
    {
        var tokens = new Command("tokens", "API tokens for the server (admin endpoints, /feedback); only a salted hash is stored");
        tokens.Subcommands.Add(Create(o));
        tokens.Subcommands.Add(List(o));
        tokens.Subcommands.Add(Revoke(o));
        return tokens;
    }

    private static Command Create(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "What the token is for, e.g. feedback-service" };
        var role = new Option<string>("--role") { Description = "read, write or admin (keel server: write logs runs, admin also moves any alias)", DefaultValueFactory = _ => "admin" };
        var experiments = new Option<string[]>("--experiment") { Description = "Limit the token to this experiment (repeatable)", AllowMultipleArgumentsPerToken = false };
        var models = new Option<string[]>("--model") { Description = "Limit the token to this registered model (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("create", "Generate a token; it is printed once and cannot be shown again") { name, role, experiments, models, json };
        command.SetAction(async (result, ct) =>
        {
            var roleText = result.GetValue(role)!;
            if (!Enum.TryParse<TokenRole>(roleText, ignoreCase: true, out var parsedRole) || !Enum.IsDefined(parsedRole) || char.IsDigit(roleText[0]))
                throw new Keel.Core.KeelInputException($"--role '{roleText}': expected read, write or admin");
            await using var store = await o.OpenForWritingAsync(result, ct);
            var (token, record) = ApiTokens.Generate(result.GetValue(name)!, DeploymentsCommand.Actor(o), o.Context.Time.GetUtcNow());
            record = record with { Role = parsedRole, Experiments = result.GetValue(experiments) ?? [], Models = result.GetValue(models) ?? [] };
            await store.Deployments.AddTokenAsync(record, ct);
            if (result.GetValue(json)) Json.Write(o.Context.Out, new { id = record.Id, name = record.Name, role = roleText.ToLowerInvariant(), token });
            else
            {
                o.Context.Console.MarkupLineInterpolated($"token {record.Id} ({record.Name}); keep it now, it is not stored and cannot be shown again:");
                o.Context.Out.WriteLine(token);
            }
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command List(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var command = new Command("list", "List tokens (ids and names; never the tokens)") { json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var tokens = (await store.Deployments.ListTokensAsync(ct)).Select(t => new { t.Id, t.Name, Role = t.Role.ToString().ToLowerInvariant(), t.Experiments, t.Models, t.CreatedAt, t.CreatedBy, t.RevokedAt }).ToArray();
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { tokens });
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "id", "name", "role", "scope", "created", "by", "revoked" }) table.AddColumn(h);
            foreach (var t in tokens) table.AddRow(t.Id, Markup.Escape(t.Name), t.Role, Markup.Escape(string.Join(", ", t.Experiments.Select(e => "experiment " + e).Concat(t.Models.Select(m => "model " + m)))), Format.Time(t.CreatedAt), Markup.Escape(t.CreatedBy), Format.Time(t.RevokedAt));
            o.Context.Console.Write(table);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Revoke(CommandOptions o)
    {
        var id = new Argument<string>("id") { Description = "Token id (from keel tokens list)" };
        var command = new Command("revoke", "Revoke a token; the server refuses it from then on") { id };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            await store.Deployments.RevokeTokenAsync(result.GetValue(id)!, o.Context.Time.GetUtcNow(), ct);
            o.Context.Console.MarkupLineInterpolated($"token {result.GetValue(id)} revoked");
            return KeelApp.ExitOk;
        });
        return command;
    }
}
