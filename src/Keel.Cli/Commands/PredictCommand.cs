using System.CommandLine;
using System.Diagnostics;
using Keel.Cli.Output;
using Keel.Pipeline.Predict;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel predict`: batch prediction of a file with a registered model, in chunks, with the server's prediction path.</summary>
internal static class PredictCommand
{
    public static Command Build(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var model = new Option<string>("--model") { Description = "NAME (latest version), NAME@ALIAS or NAME:VERSION", Required = true };
        var input = new Option<string>("--input") { Description = "CSV, JSON Lines or Parquet file to predict", Required = true };
        var output = new Option<string>("--output") { Description = "Where to write predictions (.csv, .jsonl or .parquet)", Required = true };
        var chunk = new Option<int>("--chunk-rows") { Description = "Rows predicted at a time", DefaultValueFactory = _ => 50_000 };
        var explain = new Option<bool>("--explain") { Description = "Add each row's largest per-column contributions (linear and tree models)" };
        var top = new Option<int>("--explain-top") { Description = "Contributions per row with --explain", DefaultValueFactory = _ => 3 };
        var keep = new Option<string?>("--keep") { Description = "Input columns to copy into the output after row, comma-separated (e.g. an id to join on)" };
        var text = CommandOptions.TextFileOptions();
        var command = new Command("predict", "Predict a file with a registered model (streamed in chunks; columns matched by name)")
        {
            model, input, output, chunk, explain, top, keep, text.Encoding, text.Delimiter, text.Decimal, json,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(explain) && result.GetValue(top) < 1)
                throw new Keel.Core.KeelInputException($"--explain-top: expected a number of contributions per row of at least 1, got {result.GetValue(top)}.");
            var reading = CommandOptions.TextFileValues(result, text);
            var reference = ModelReference.Parse(result.GetValue(model)!);
            await using var store = await o.OpenForReadingAsync(result, ct);
            var version = await ModelLoader.ResolveAsync(store.Registry, reference, ct);
            var loaded = await ModelLoader.LoadAsync(store.Artifacts, version, ct);
            var options = new BatchPredictOptions
            {
                Input = o.Context.Resolve(result.GetValue(input)!),
                Output = o.Context.Resolve(result.GetValue(output)!),
                ChunkRows = result.GetValue(chunk),
                Explain = result.GetValue(explain) ? result.GetValue(top) : 0,
                Text = reading,
                Keep = result.GetValue(keep) is { } kept ? kept.Split(',').Select(c => c.Trim()).ToArray() : [],
            };
            var quiet = result.GetValue(json);
            var watch = Stopwatch.StartNew();
            var progress = new LineProgress(rows =>
            {
                if (!quiet) o.Context.Error.WriteLine($"  {rows:N0} rows predicted ({watch.Elapsed.TotalSeconds:F1} s)");
            });
            var done = await BatchPredictor.RunAsync(loaded, options, progress, ct);
            if (quiet)
            {
                Json.Write(o.Context.Out, new { model = version.Name, version = version.Version, rows = done.Rows, output = done.Output, seconds = watch.Elapsed.TotalSeconds });
                return KeelApp.ExitOk;
            }
            o.Context.Console.MarkupLineInterpolated($"Predicted {done.Rows:N0} rows with [bold]{version.Name}[/] version {version.Version} in {watch.Elapsed.TotalSeconds:F1} s: {done.Output}");
            return KeelApp.ExitOk;
        });
        return command;
    }
}
