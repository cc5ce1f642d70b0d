using System.Diagnostics;
using Keel.Cli.Output;

namespace Keel.Cli.Tests;

/// <summary>Output to a pipe or a log is not wrapped at 80 columns; COLUMNS sets the width when given.</summary>
public sealed class ConsoleWidthTests
{
    [Theory]
    [InlineData(true, null, TerminalWidth.NoWrap)]
    [InlineData(true, "120", 120)]
    [InlineData(false, "100", 100)]
    [InlineData(false, null, null)]
    [InlineData(true, "wide", TerminalWidth.NoWrap)]
    [InlineData(true, "0", TerminalWidth.NoWrap)]
    public void For_RedirectedAndColumns_ExpectedWidth(bool redirected, string? columns, int? expected) =>
        Assert.Equal(expected, TerminalWidth.For(redirected, columns));

    [Fact]
    public async Task Keel_OutputRedirected_LongLineIsNotWrapped()
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        var deep = Path.Combine(h.Folder, new string('d', 60), new string('e', 60));
        Directory.CreateDirectory(deep);
        var spec = Path.Combine(deep, "keel.yaml");

        var (exit, stdout) = await RunKeelAsync(h.Folder, "init", "penguins.csv", "--label", "Species", "--out", spec);

        Assert.Equal(0, exit);
        Assert.Contains(stdout.Split('\n'), l => l.Contains(spec, StringComparison.Ordinal));
    }

    /// <summary>Runs the built keel in a child process with standard output redirected, as a CI log or a pipe sees it.</summary>
    private static async Task<(int Exit, string Out)> RunKeelAsync(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keel.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("COLUMNS");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        return (process.ExitCode, await stdout);
    }
}
