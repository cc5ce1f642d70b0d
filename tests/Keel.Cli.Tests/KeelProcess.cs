using System.Diagnostics;

namespace Keel.Cli.Tests;

/// <summary>Runs the built `keel` as a real child process (for signals, other users and read-only mounts).</summary>
internal static class KeelProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "keel.dll");

    /// <summary>The native launcher of the built keel.</summary>
    public static string AppHost => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "keel.exe" : "keel");

    /// <summary>Starts <paramref name="file"/> with <paramref name="args"/> in <paramref name="folder"/>, output redirected.</summary>
    public static Process Start(string folder, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["KEEL_STORE"] = null;
        return Process.Start(info)!;
    }

    /// <summary>Runs to the end and returns exit code, stdout and stderr.</summary>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(string folder, string file, params string[] args)
    {
        using var p = Start(folder, file, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs `keel ARGS` inside a private mount namespace where <paramref name="readOnlyFolder"/> is bind-mounted read-only.</summary>
    public static Task<(int Exit, string Out, string Error)> RunOnReadOnlyFolderAsync(string readOnlyFolder, params string[] args) =>
        RunAsync(readOnlyFolder, "unshare", ["-m", "sh", "-c", "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", readOnlyFolder, "dotnet", Dll, .. args]);

    /// <summary>Whether this machine lets us make a read-only bind mount (root with CAP_SYS_ADMIN); tests needing it skip otherwise.</summary>
    public static async Task<bool> CanMountReadOnlyAsync(string folder)
    {
        try
        {
            var (exit, _, _) = await RunAsync(folder, "unshare", "-m", "sh", "-c", "mount --bind -o ro \"$0\" \"$0\" && ! touch \"$0/probe\" 2>/dev/null", folder);
            return exit == 0 && !File.Exists(Path.Combine(folder, "probe"));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no unshare on this system
        }
    }
}
