using Keel.Core;

namespace Keel.Data.Tests;

public sealed class SplitFilesTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadRowIndices_ValidFile_ReturnsIndicesInFileOrderSkippingBlankLines()
    {
        var path = _dir.Write("t.txt", "5\n\n 2 \r\n0\n");
        Assert.Equal([5, 2, 0], SplitFiles.ReadRowIndices(path, 6));
    }

    [Fact]
    public void ReadRowIndices_CreditSampleSplit_IsAboutOneFifthOfTheRows()
    {
        var rows = SplitFiles.ReadRowIndices(Samples.File("splits/credit_data.test.txt"), 4454);
        Assert.Equal(891, rows.Length);
    }

    [Theory]
    [InlineData("1\n2\nx\n", "t.txt line 3: expected a 0-based row index (an integer), got 'x'.")]
    [InlineData("1\n1.5\n", "t.txt line 2: expected a 0-based row index (an integer), got '1.5'.")]
    [InlineData("1\n\n10\n", "t.txt line 3: row 10 is out of range 0..9 (the data has 10 rows).")]
    [InlineData("-1\n", "t.txt line 1: row -1 is out of range 0..9 (the data has 10 rows).")]
    [InlineData("3\n4\n3\n", "t.txt line 3: row 3 is listed twice (first on line 1).")]
    [InlineData("\n\n", "t.txt: has no row indices; expected one 0-based row index per line.")]
    public void ReadRowIndices_BadFile_NamesFileAndLine(string content, string message)
    {
        var path = _dir.Write("t.txt", content);
        Assert.Equal(message, Assert.Throws<KeelInputException>(() => SplitFiles.ReadRowIndices(path, 10)).Message);
    }

    [Fact]
    public void ReadRowIndices_MissingFile_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => SplitFiles.ReadRowIndices(Path.Combine(_dir.Path, "none.txt"), 10));
        Assert.Contains("not found", e.Message);
    }
}
