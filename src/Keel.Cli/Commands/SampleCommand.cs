using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Data.Sampling;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel sample FILE`: draws rows (random, stratified, weighted, reservoir, importance) into another file of its format.</summary>
internal static class SampleCommand
{
    public static Command Build(CommandOptions o)
    {
        var file = new Argument<string>("file") { Description = "The CSV, TSV, JSON Lines or Parquet file to sample" };
        var strategy = new Option<string>("--strategy") { Description = "random, stratified, weighted, reservoir or importance", Required = true };
        var n = new Option<long?>("--n") { Description = "Rows to draw (not with weighted class rates)" };
        var by = new Option<string?>("--by") { Description = "Class column (stratified; weighted with class rates)" };
        var weights = new Option<string?>("--weights") { Description = "A column of row weights, or class rates CLASS=RATE,... (with --by)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the draw", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--output") { Description = "Where to write the sample, in the input's format: a .csv (the input's delimiter) or .tsv (tab-separated) with the header; .jsonl; .parquet (the same schema)", Required = true };
        var json = CommandOptions.JsonOption();
        var text = CommandOptions.TextFileOptions();
        var command = new Command("sample", "Draw a sample of rows from a CSV, JSON Lines or Parquet file into one of the same format (reservoir: one pass, constant memory)")
        {
            file, strategy, n, by, weights, seed, output, text.Encoding, text.Delimiter, text.Decimal, json,
        };
        command.SetAction(result =>
        {
            var c = o.Context;
            var reading = CommandOptions.TextFileValues(result, text);
            var s = result.GetValue(strategy)!;
            if (!Enum.TryParse<SampleStrategy>(s, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(s, out _))
                throw new KeelInputException($"--strategy: expected random, stratified, weighted, reservoir or importance, got '{s}'.");
            var w = result.GetValue(weights);
            var rates = w is null ? null : Sampler.ParseClassRates(w);
            if (rates is not null && kind != SampleStrategy.Weighted)
                throw new KeelInputException($"--weights: class rates ({w}) go with strategy weighted; {kind.ToString().ToLowerInvariant()} takes a weight column.");
            var outcome = Sampler.Run(new SampleRequest
            {
                Input = c.Resolve(result.GetValue(file)!),
                Output = c.Resolve(result.GetValue(output)!),
                Strategy = kind,
                N = result.GetValue(n),
                By = result.GetValue(by),
                WeightColumn = rates is null ? w : null,
                ClassRates = rates,
                Seed = result.GetValue(seed),
                Read = reading,
            });
            if (result.GetValue(json)) Json.Write(c.Out, outcome);
            else
            {
                c.Console.MarkupLineInterpolated($"Drew {outcome.SampledRows:N0} of {outcome.InputRows:N0} rows ({outcome.Strategy}, seed {outcome.Seed}) into [bold]{outcome.Output}[/]");
                foreach (var (cls, count) in outcome.PerClass) c.Console.MarkupLineInterpolated($"  {cls}: {count:N0}");
            }
            return KeelApp.ExitOk;
        });
        return command;
    }
}
