namespace Keel.Pipeline;

/// <summary>Writes a text output (an HTML report, a contract) whole or not at all: beside its path, then renamed into place (its folder made).</summary>
public static class TextOutputs
{
    /// <param name="path">The output's path.</param>
    /// <param name="text">The text.</param>
    /// <param name="what">How the message names the output, e.g. "--report 'x.html'".</param>
    /// <param name="after">What the message adds after the reason, e.g. "; the run is marked failed", or "".</param>
    /// <param name="ct">Cancels the write.</param>
    /// <exception cref="Keel.Core.KeelInputException">The file or its folder cannot be written; no temporary file is left.</exception>
    public static async Task WriteAsync(string path, string text, string what, string after, CancellationToken ct)
    {
        var temp = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(temp, text, ct);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Keel.Data.OutputFiles.DeleteQuietly(temp);
            throw new Keel.Core.KeelInputException($"{what} cannot be written: {e.Message}{after}", e);
        }
        catch
        {
            Keel.Data.OutputFiles.DeleteQuietly(temp);
            throw;
        }
    }
}
