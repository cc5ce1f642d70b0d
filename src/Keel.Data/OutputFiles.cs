using Keel.Core;

namespace Keel.Data;

/// <summary>Checks on a file a command is about to write, made before any work.</summary>
public static class OutputFiles
{
    /// <summary>Refuses an output that is the input file itself: written over it, the data would be lost.</summary>
    /// <param name="output">The output path.</param>
    /// <param name="input">The input path.</param>
    /// <param name="option">The option that gave the output, for the message.</param>
    /// <param name="what">What the output holds, for the message (e.g. "the predictions").</param>
    /// <exception cref="KeelInputException">The two paths name one file.</exception>
    public static void NotTheInput(string output, string input, string option, string what)
    {
        if (Path.GetFullPath(output) == Path.GetFullPath(input))
            throw new KeelInputException($"{option} {Path.GetFileName(output)}: the input file itself; {what} would replace the data; write to another file.");
    }

    /// <summary>Removes a temporary file left by a failed write, if it is there; a failure to remove it (the very path the write
    /// could not use) never hides the error that matters.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the write's own error is reported.
        }
    }
}
