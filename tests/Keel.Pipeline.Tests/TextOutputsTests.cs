using Keel.Core;

namespace Keel.Pipeline.Tests;

public sealed class TextOutputsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-text-outputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task WriteAsync_NewFolder_MadeAndWrittenWhole()
    {
        var path = Path.Combine(_folder, "a", "b", "report.html");

        await TextOutputs.WriteAsync(path, "<html></html>", "report", "", default);

        Assert.Equal("<html></html>", await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task WriteAsync_RenameFails_ErrorNamesItAndNoTemporaryFileLeft()
    {
        var path = Path.Combine(_folder, "out");
        Directory.CreateDirectory(path);

        var e = await Assert.ThrowsAsync<KeelInputException>(() => TextOutputs.WriteAsync(path, "<html></html>", "--report 'out'", "; the run is marked failed", default));

        Assert.StartsWith("--report 'out' cannot be written: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; the run is marked failed", e.Message, StringComparison.Ordinal);
        Assert.Equal([path], Directory.GetFileSystemEntries(_folder));
    }
}
