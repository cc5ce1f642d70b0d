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
    public static Task WriteAsync(string path, string text, string what, string after, CancellationToken ct) =>
        Keel.Data.OutputFiles.WriteWholeAsync(path, temp => File.WriteAllTextAsync(temp, text, ct), reason => $"{what} cannot be written: {reason}{after}", makeFolder: true);
}
