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

    /// <summary>
    /// Writes <paramref name="path"/> whole or not at all: <paramref name="write"/> fills a temporary file beside it (PATH.part), which
    /// is then renamed over it; on any failure the temporary file is removed and <paramref name="path"/> is left as it was.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content to the temporary file whose path it is given.</param>
    /// <param name="failed">The message an I/O failure becomes, given its reason; null lets the failure through as it is.</param>
    /// <param name="makeFolder">Whether to make the file's folder first.</param>
    /// <exception cref="KeelInputException">An I/O failure, when <paramref name="failed"/> is given.</exception>
    public static async Task WriteWholeAsync(string path, Func<string, Task> write, Func<string, string>? failed = null, bool makeFolder = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = path + ".part";
        try
        {
            if (makeFolder) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await write(temp);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (failed is not null && e is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(temp);
            throw new KeelInputException(failed(e.Message), e);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
    }

    /// <summary>As <see cref="WriteWholeAsync"/>, for a synchronous <paramref name="write"/>.</summary>
    public static void WriteWhole(string path, Action<string> write, Func<string, string>? failed = null, bool makeFolder = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        // Nothing in it awaits anything that is not already done, so this completes synchronously.
        WriteWholeAsync(path, temp =>
        {
            write(temp);
            return Task.CompletedTask;
        }, failed, makeFolder).GetAwaiter().GetResult();
    }

    /// <summary>Removes a temporary file left by a failed write, if it is there; a failure to remove it (the very path the write
    /// could not use) never hides the error that matters.</summary>
    private static void DeleteQuietly(string path)
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
