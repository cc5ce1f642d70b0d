using Spectre.Console;

namespace Keel.Cli;

/// <summary>What a command may touch: consoles, the working folder, the default store and the clock. Built once in Program.cs.</summary>
/// <param name="Console">Rich output for people (tables, progress).</param>
/// <param name="Out">Raw standard output; --json writes only here.</param>
/// <param name="Error">Standard error, for error messages.</param>
/// <param name="WorkingDirectory">Folder relative paths are resolved against.</param>
/// <param name="DefaultStore">Store URI from KEEL_STORE, or null for the embedded default (.keel).</param>
/// <param name="Time">Clock for run times and timings.</param>
/// <param name="User">Who is acting, recorded in the alias history.</param>
internal sealed record CliContext(
    IAnsiConsole Console,
    TextWriter Out,
    TextWriter Error,
    string WorkingDirectory,
    string? DefaultStore,
    TimeProvider Time,
    string User)
{
    /// <summary>Artifact folder from KEEL_ARTIFACTS, or null to derive it from the store URI. Default null.</summary>
    public string? DefaultArtifacts { get; init; }

    /// <summary>Print stack traces with errors (KEEL_DEBUG set). Default false.</summary>
    public bool Verbose { get; init; }

    /// <summary>Resolves <paramref name="path"/> against the working folder.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
