using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data.Tests;

public sealed class JsonlReaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private Table Read(string content, string name = "d.jsonl") => TableReader.Read(_dir.Write(name, content), new ReadOptions()).Table;

    private KeelInputException Fails(string content, string name = "d.jsonl") =>
        Assert.Throws<KeelInputException>(() => Read(content, name));

    [Fact]
    public void Read_ObjectsWithDifferentKeys_UnionsKeysInFirstAppearanceOrderAndMissingKeysAreMissing()
    {
        var t = Read("{\"a\": 1, \"b\": \"x\"}\n\n{\"c\": true, \"a\": 2.5}\n{\"b\": null, \"a\": -3}\n");

        Assert.Equal(["a", "b", "c"], t.Columns.Select(c => c.Name));
        Assert.Equal(3, t.RowCount);
        Assert.Equal([1, 2.5, -3], ((NumericColumn)t["a"]).Values.ToArray());
        Assert.Equal("x", ((StringColumn)t["b"])[0]);
        Assert.True(t["b"].IsMissing(1));
        Assert.True(t["b"].IsMissing(2));
        Assert.Equal(ColumnType.Boolean, t["c"].Type);
        Assert.True(t["c"].IsMissing(0));
        Assert.Equal(1, ((NumericColumn)t["c"])[1]);
    }

    [Theory]
    [InlineData("x.ndjson")]
    [InlineData("x.json")]
    public void Read_NdjsonAndJsonExtensions_ReadAsJsonLines(string name)
    {
        Assert.Equal(2, Read("{\"a\":1}\n{\"a\":2}\n", name).RowCount);
    }

    [Fact]
    public void Read_InvalidJson_NamesFileAndLine()
    {
        var e = Fails("{\"a\": 1}\n\n{\"a\": }\n");
        Assert.StartsWith("d.jsonl line 3: invalid JSON", e.Message);
    }

    [Fact]
    public void Read_NonObjectLine_NamesLine()
    {
        var e = Fails("{\"a\": 1}\n[1, 2]\n");
        Assert.StartsWith("d.jsonl line 2: expected a JSON object, got an array", e.Message);
    }

    [Fact]
    public void Read_NestedObjects_KeysBecomeColumnsNamedByTheirPath()
    {
        var t = Read("{\"id\": 1, \"user\": {\"age\": 30, \"home\": {\"city\": \"Oslo\"}}}\n"
            + "{\"id\": 2, \"user\": {\"age\": null}, \"extra\": {}}\n{\"id\": 3, \"user.age\": 41, \"user\": {\"home\": {\"city\": \"Bergen\"}}}\n");

        Assert.Equal(["id", "user.age", "user.home.city"], t.Columns.Select(c => c.Name));
        Assert.Equal(ColumnType.Numeric, t["user.age"].Type);
        Assert.Equal(30, ((NumericColumn)t["user.age"])[0]);
        Assert.True(t["user.age"].IsMissing(1));
        Assert.Equal(41, ((NumericColumn)t["user.age"])[2]);
        Assert.Equal("Oslo", ((StringColumn)t["user.home.city"])[0]);
        Assert.True(t["user.home.city"].IsMissing(1));
        Assert.Equal("Bergen", ((StringColumn)t["user.home.city"])[2]);
    }

    [Fact]
    public void Read_KeyGivenFlatAndNestedInOneLine_NamesLineAndKey()
    {
        var e = Fails("{\"a\": 1}\n{\"user.age\": 3, \"user\": {\"age\": 4}}\n");
        Assert.StartsWith("d.jsonl line 2, key 'user.age': given twice", e.Message);
    }

    [Fact]
    public void Read_ArrayValue_NamesLineAndKeyItsPath()
    {
        var e = Fails("{\"a\": 1}\n{\"a\": 2, \"user\": {\"tags\": [1, 2]}}\n");
        Assert.StartsWith("d.jsonl line 2, key 'user.tags'", e.Message);
        Assert.Contains("got an array; arrays are not read", e.Message);
    }

    [Fact]
    public void Read_OverrideValueThatDoesNotConvert_NamesLineAndColumn()
    {
        var path = _dir.Write("o.jsonl", "{\"when\": \"2024-01-01\"}\n{\"when\": \"soon\"}\n");
        var options = new ReadOptions { Types = new Dictionary<string, ColumnType> { ["when"] = ColumnType.DateTime } };
        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, options));
        Assert.StartsWith("o.jsonl line 2, column 'when': expected an ISO-8601 date", e.Message);
        Assert.EndsWith("got 'soon'.", e.Message);
    }
}
