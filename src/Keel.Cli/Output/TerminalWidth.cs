using System.Globalization;

namespace Keel.Cli.Output;

/// <summary>How wide console output may be: a log or a pipe must get whole lines, not numbers and page tokens split at 80 columns.</summary>
internal static class TerminalWidth
{
    /// <summary>The width used when output is redirected and COLUMNS is not set: wide enough that nothing wraps.</summary>
    public const int NoWrap = 4096;

    /// <summary>COLUMNS when it is a positive whole number; otherwise <see cref="NoWrap"/> when output is redirected;
    /// otherwise null (the terminal's own width, as Spectre.Console detects it).</summary>
    public static int? For(bool outputRedirected, string? columns)
    {
        if (int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0) return c;
        return outputRedirected ? NoWrap : null;
    }
}
