using System.Text;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data.Tests;

/// <summary>Delimiters, encodings, numbers and memory sharing of the streaming text readers (CSV and JSON lines).</summary>
public sealed class TextReadingTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private Table Read(string name, string content, ReadOptions? options = null) =>
        TableReader.Read(_dir.Write(name, content), options ?? new ReadOptions()).Table;

    [Theory]
    [InlineData("a;b;c\n1,5;x;2\n3,5;y;4\n")]
    [InlineData("a\tb\tc\n1,5\tx\t2\n3,5\ty\t4\n")]
    [InlineData("a|b|c\n1,5|x|2\n3,5|y|4\n")]
    [InlineData("\"a;1\",b,c\n\"1,5\",x,2\n\"3,5\",y,4\n")]
    public void Read_CsvWithOtherDelimiter_DetectsItFromTheHeader(string content)
    {
        var t = Read("d.csv", content);

        Assert.Equal(3, t.Columns.Count);
        Assert.Equal("y", t["b"].Format(1));
        Assert.Equal(4, ((NumericColumn)t["c"])[1]);
    }

    [Fact]
    public void Read_SemicolonCsvWithDecimalCommas_ReadsThemAsNumbers()
    {
        // A spreadsheet export where 39,1 means 39.1; integers and a point beside them are numbers too.
        var t = Read("eu.csv", "length;depth;note\n39,1;18;x\n-0,5;17,25;y\n40;1.5;z\n2,5e3;;w\n");

        var length = Assert.IsType<NumericColumn>(t["length"]);
        Assert.Equal([39.1, -0.5, 40, 2500], [length[0], length[1], length[2], length[3]]);
        var depth = Assert.IsType<NumericColumn>(t["depth"]);
        Assert.Equal([18, 17.25, 1.5], [depth[0], depth[1], depth[2]]);
        Assert.True(depth.IsMissing(3));
    }

    [Theory]
    [InlineData("a;b\n1.234,5;x\n2;y\n")]      // digit groups with a point
    [InlineData("a;b\n1,234,567;x\n2;y\n")]    // digit groups with commas
    [InlineData("a;b\n1,5;x\nabc;y\n")]        // a word beside a number
    public void Read_SemicolonCsvWithDigitGroupsOrWords_KeepsTheColumnAsText(string content)
    {
        var t = Read("eu.csv", content);

        Assert.Equal(ColumnType.Categorical, t["a"].Type);
        Assert.Equal(content.Split('\n')[1].Split(';')[0], t["a"].Format(0));
    }

    [Fact]
    public void Read_DecimalOption_OverridesTheDelimitersMark()
    {
        var point = Read("eu.csv", "a;b\n1,5;x\n2;y\n", new ReadOptions { Decimal = "point" });
        var tab = Read("t.tsv", "a\tb\n1,5\tx\n2\ty\n", new ReadOptions { Decimal = "comma" });
        var comma = Read("q.csv", "a,b\n\"1,5\",x\n2,y\n", new ReadOptions { Decimal = "comma" });
        var jsonl = Read("j.jsonl", "{\"a\": \"1,5\"}\n{\"a\": 2}\n", new ReadOptions { Decimal = "comma" });

        Assert.Equal("1,5", point["a"].Format(0));
        Assert.Equal(1.5, ((NumericColumn)tab["a"])[0]);
        Assert.Equal(1.5, ((NumericColumn)comma["a"])[0]);
        Assert.Equal(1.5, ((NumericColumn)jsonl["a"])[0]);
        // Without the option a tab-delimited file keeps its commas as text: 1,234 may be a thousand there.
        Assert.Equal("1,5", Read("t2.tsv", "a\tb\n1,5\tx\n2\ty\n")["a"].Format(0));
    }

    [Fact]
    public void Read_NumericOverrideWithDecimalCommaValue_NamesLineColumnAndValue()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            Read("eu.csv", "a;b\n1,5;x\n2,5;y\n", new ReadOptions { Decimal = "point", Types = new Dictionary<string, ColumnType> { ["a"] = ColumnType.Numeric } }));

        Assert.Equal("eu.csv line 2, column 'a': expected a number, got '1,5'.", e.Message);
    }

    [Fact]
    public void Read_UnknownDecimalOption_NamesTheField()
    {
        var e = Assert.Throws<KeelInputException>(() => Read("d.csv", "a\n1\n", new ReadOptions { Decimal = "dot-ish" }));
        Assert.Equal("data.decimal: expected point or comma (or the character itself: . ,), got 'dot-ish'.", e.Message);
    }

    [Fact]
    public void Read_DelimiterOption_OverridesDetection()
    {
        // The header alone would suggest a comma.
        var t = Read("d.csv", "a,b;c\n1;2\n", new ReadOptions { Delimiter = "semicolon" });

        Assert.Equal(["a,b", "c"], t.Columns.Select(c => c.Name));
        Assert.Equal(2, ((NumericColumn)t["c"])[0]);
    }

    [Fact]
    public void Read_UnknownDelimiterOption_NamesTheField()
    {
        var e = Assert.Throws<KeelInputException>(() => Read("d.csv", "a\n1\n", new ReadOptions { Delimiter = "::" }));
        Assert.StartsWith("data.delimiter: expected comma, semicolon, tab or pipe", e.Message);
    }

    [Fact]
    public void Read_Latin1BytesAsUtf8_FailsWithLineAndByteOffset()
    {
        // "city\ncafé\ncafè\n" in Latin-1: é is 0xE9 at byte 10, on line 2.
        var path = WriteBytes("l.csv", Encoding.Latin1.GetBytes("city\ncafé\ncafè\n"));

        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, new ReadOptions()));
        Assert.StartsWith("l.csv line 2, byte offset 8: invalid UTF-8 (bytes 0xE9 0x0A", e.Message);
        Assert.Contains("data.encoding", e.Message);
    }

    [Fact]
    public void Read_InvalidUtf8AcrossTheReadBuffer_NamesItsOffset()
    {
        // 70,000 ASCII bytes put the bad byte past the first 64 KiB read.
        var text = "v\n" + string.Concat(Enumerable.Repeat("a\n", 34_999));
        var bytes = Encoding.ASCII.GetBytes(text).Concat(new byte[] { 0xC3, 0x28, 0x0A }).ToArray();
        var path = WriteBytes("big.csv", bytes);

        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, new ReadOptions()));
        Assert.StartsWith($"big.csv line 35001, byte offset {text.Length}: invalid UTF-8", e.Message);
    }

    [Fact]
    public void Read_ValidMultiByteCharactersAcrossTheReadBuffer_AreKept()
    {
        // 'é' (2 bytes) and '€' (3 bytes) land on every offset modulo 3, so some straddle the 64 KiB read boundary.
        var values = Enumerable.Range(0, 30_000).Select(i => i % 2 == 0 ? "é" : "€").ToArray();
        var path = WriteBytes("u.csv", Encoding.UTF8.GetBytes("v\n" + string.Join("\n", values) + "\n"));

        var t = TableReader.Read(path, new ReadOptions()).Table;
        Assert.Equal(values, ((StringColumn)t["v"]).Values.ToArray().Select(v => v!));
    }

    [Theory]
    [InlineData("latin1")]
    [InlineData("windows-1252")]
    public void Read_EncodingOption_KeepsDistinctAccentedCategories(string encoding)
    {
        var path = WriteBytes("l.csv", Encoding.Latin1.GetBytes("city\ncafé\ncafè\n"));

        var t = TableReader.Read(path, new ReadOptions { Encoding = encoding }).Table;
        Assert.Equal(["café", "cafè"], ((StringColumn)t["city"]).Values.ToArray().Select(v => v!));
    }

    [Fact]
    public void Read_JsonLinesWithInvalidUtf8_FailsWithLine()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"a\": \"x\"}\n{\"a\": \"").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("\"}\n")).ToArray();
        var path = WriteBytes("d.jsonl", bytes);

        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, new ReadOptions()));
        Assert.StartsWith("d.jsonl line 2, byte offset 18: invalid UTF-8", e.Message);
    }

    [Fact]
    public void Read_UnknownEncoding_NamesTheField()
    {
        var e = Assert.Throws<KeelInputException>(() => Read("d.csv", "a\n1\n", new ReadOptions { Encoding = "klingon" }));
        Assert.StartsWith("data.encoding: unknown encoding 'klingon'", e.Message);
    }

    [Fact]
    public void Read_Utf8Bom_IsSkipped()
    {
        var path = WriteBytes("b.csv", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a,b\n1,2\n")]);
        Assert.Equal(["a", "b"], TableReader.Read(path, new ReadOptions()).Table.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Read_Infinities_KeepTheColumnNumeric()
    {
        var t = Read("i.csv", "x\n1\ninf\n-inf\nInfinity\n1e400\n-1E400\n");

        var x = Assert.IsType<NumericColumn>(t["x"]);
        Assert.Equal([1, double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity],
            x.Values.ToArray());
    }

    [Fact]
    public void Read_NumericColumnWithStrayTokens_FailsWithCountsTokensAndLines()
    {
        var rows = Enumerable.Range(0, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        rows[3] = "abc";
        rows[75] = "x1";
        var e = Assert.Throws<KeelInputException>(() => Read("n.csv", "Income\n" + string.Join("\n", rows) + "\n"));

        Assert.Equal(
            "n.csv, column 'Income': 298 of 300 values are numbers but 2 are not: 'abc' (line 5), 'x1' (line 77); "
            + "set data.types.Income to categorical, or list the tokens that mean 'missing' in data.missing.",
            e.Message);
    }

    [Fact]
    public void Read_NumericColumnWithStrayTokensListedAsMissing_IsNumeric()
    {
        var rows = Enumerable.Range(0, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        rows[3] = "abc";
        var t = Read("n.csv", "Income\n" + string.Join("\n", rows) + "\n", new ReadOptions { MissingTokens = ["", "abc"] });

        Assert.Equal(ColumnType.Numeric, t["Income"].Type);
        Assert.True(t["Income"].IsMissing(3));
    }

    [Fact]
    public void Read_MostlyNumericCodesBelowTheThreshold_AreCategorical()
    {
        var t = Read("c.csv", "rooms\n1\n2\n3+\n2\n");
        Assert.Equal(ColumnType.Categorical, t["rooms"].Type);
    }

    [Theory]
    [InlineData("d.csv", "city,n\nOslo,1\nOslo,2\nBergen,3\nOslo,4\n")]
    [InlineData("d.jsonl", "{\"city\":\"Oslo\"}\n{\"city\":\"Oslo\"}\n{\"city\":\"Bergen\"}\n{\"city\":\"Oslo\"}\n")]
    public void Read_RepeatedCategory_IsStoredOnce(string name, string content)
    {
        var city = (StringColumn)Read(name, content)["city"];

        Assert.Same(city[0], city[1]);
        Assert.Same(city[0], city[3]);
        Assert.Equal("Bergen", city[2]);
    }

    [Fact]
    public void Read_QuoteInsideUnquotedField_NamesLineAndColumn()
    {
        var e = Assert.Throws<KeelInputException>(() => Read("q.csv", "a,height\n1,5'10\"\n"));
        Assert.StartsWith("q.csv line 2, column 'height': a '\"' inside an unquoted field", e.Message);
    }
}
