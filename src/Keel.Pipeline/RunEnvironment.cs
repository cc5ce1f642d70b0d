using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Keel.Pipeline;

/// <summary>Where and with what a run ran: code version (git), machine, runtime and package versions. Recorded as run tags.</summary>
internal sealed record RunEnvironment(string? GitCommit, bool? GitDirty, IReadOnlyDictionary<string, string> Values)
{
    public static RunEnvironment Capture(string folder)
    {
        var commit = Git(folder, "rev-parse HEAD");
        bool? dirty = commit is null ? null : (Git(folder, "status --porcelain --untracked-files=no") ?? "").Length > 0;
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["keel.machine"] = Environment.MachineName,
            ["keel.os"] = RuntimeInformation.OSDescription,
            ["keel.arch"] = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            ["keel.cpus"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["keel.dotnet"] = RuntimeInformation.FrameworkDescription,
            ["keel.version"] = Version(typeof(RunEnvironment).Assembly),
        };
        foreach (var a in new[] { typeof(Microsoft.ML.MLContext).Assembly, typeof(Parquet.ParquetReader).Assembly, typeof(Microsoft.Data.Sqlite.SqliteConnection).Assembly })
            values[$"keel.pkg.{a.GetName().Name}"] = Version(a);
        if (commit is not null) values["keel.git_commit"] = commit;
        if (dirty is not null) values["keel.git_dirty"] = dirty.Value ? "true" : "false";
        return new RunEnvironment(commit, dirty, values);
    }

    private static string Version(Assembly a)
    {
        var v = a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "unknown";
        var plus = v.IndexOf('+');
        return plus > 0 ? v[..plus] : v;
    }

    /// <summary>Runs git in <paramref name="folder"/>; null when git is missing or the folder is not in a repository.</summary>
    private static string? Git(string folder, string args)
    {
        try
        {
            var psi = new ProcessStartInfo("git", args)
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit(10_000);
            return p.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
