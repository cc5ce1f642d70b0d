using System.Runtime.InteropServices;
using Keel.Cli;
using Spectre.Console;

// The only place that reads the environment: everything below gets it through CliContext.
using var cts = new CancellationTokenSource();
var terminated = false;
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
// SIGTERM (kill, systemd, docker stop) stops a run like Ctrl+C: it is marked killed before the process exits.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    terminated = true;
    cts.Cancel();
});
var console = AnsiConsole.Console;
if (Keel.Cli.Output.TerminalWidth.For(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("COLUMNS")) is { } width)
    console.Profile.Width = width;
var context = new CliContext(console, Console.Out, Console.Error, Directory.GetCurrentDirectory(),
    Environment.GetEnvironmentVariable("KEEL_STORE"), TimeProvider.System, Environment.UserName)
{
    Verbose = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KEEL_DEBUG")),
    DefaultArtifacts = Environment.GetEnvironmentVariable("KEEL_ARTIFACTS") is { Length: > 0 } a ? a : null,
};
var exit = await KeelApp.RunAsync(args, context, cts.Token);
return terminated && exit == KeelApp.ExitInterrupted ? 143 : exit;
