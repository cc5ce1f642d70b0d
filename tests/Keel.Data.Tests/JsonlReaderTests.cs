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

    [Theory]
    [InlineData("{\"a\": 1, \"nested\": {\"x\": 1}}", "an object")]
    [InlineData("{\"a\": 1, \"nested\": [1, 2]}", "an array")]
    public void Read_NestedValue_NamesLineAndKey(string second, string kind)
    {
        var e = Fails("{\"a\": 1}\n" + second + "\n");
        Assert.StartsWith("d.jsonl line 2, key 'nested'", e.Message);
        Assert.Contains(kind, e.Message);
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
