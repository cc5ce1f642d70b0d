using Keel.Cli;
using Spectre.Console;

// The only place that reads the environment: everything below gets it through CliContext.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var context = new CliContext(AnsiConsole.Console, Console.Out, Console.Error, Directory.GetCurrentDirectory(),
    Environment.GetEnvironmentVariable("KEEL_STORE"), TimeProvider.System, Environment.UserName);
return await KeelApp.RunAsync(args, context, cts.Token);
