using Keel.Cli;
using Spectre.Console;

// The only place that reads the environment: everything below gets it through CliContext.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var console = AnsiConsole.Console;
if (Keel.Cli.Output.TerminalWidth.For(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("COLUMNS")) is { } width)
    console.Profile.Width = width;
var context = new CliContext(console, Console.Out, Console.Error, Directory.GetCurrentDirectory(),
    Environment.GetEnvironmentVariable("KEEL_STORE"), TimeProvider.System, Environment.UserName);
return await KeelApp.RunAsync(args, context, cts.Token);
