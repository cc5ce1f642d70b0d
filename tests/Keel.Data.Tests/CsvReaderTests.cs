using System.Security.Cryptography;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data.Tests;

public sealed class CsvReaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private LoadedTable ReadText(string name, string content, ReadOptions? options = null) =>
        TableReader.Read(_dir.Write(name, content), options ?? new ReadOptions());

    private KeelInputException ReadFails(string name, string content, ReadOptions? options = null) =>
        Assert.Throws<KeelInputException>(() => ReadText(name, content, options));

    [Fact]
    public void Read_CreditDataSample_Has4454RowsAnd14ColumnsWithNaNForEmptyFields()
    {
        var loaded = TableReader.Read(Samples.File("credit_data.csv"), new ReadOptions());
        var t = loaded.Table;

        Assert.Equal(4454, t.RowCount);
        Assert.Equal(14, t.Columns.Count);
        Assert.Equal("csv", loaded.Format);
        Assert.Equal(ColumnType.Categorical, t["Status"].Type);
        var income = Assert.IsType<NumericColumn>(t["Income"]);
        Assert.Equal(ColumnType.Numeric, income.Type);
        // Data row 29 (file line 31) is "bad",0,,48,37,"single","no",,35,,,,1500,1850.
        Assert.True(double.IsNaN(income[29]));
        Assert.True(double.IsNaN(((NumericColumn)t["Assets"])[29]));
        Assert.Null(((StringColumn)t["Home"])[29]);
        Assert.Equal(1850, ((NumericColumn)t["Price"])[29]);
        Assert.Equal(381, income.MissingCount());
        Assert.Equal(6, t["Home"].MissingCount());
    }

    [Fact]
    public void Read_AnyFile_ReportsSha256SizeAndFullPath()
    {
        var path = _dir.Write("a.csv", "x,y\n1,2\n");
        var loaded = TableReader.Read(path, new ReadOptions());

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), loaded.Sha256);
        Assert.Equal(64, loaded.Sha256.Length);
        Assert.Equal(new FileInfo(path).Length, loaded.Bytes);
        Assert.Equal(Path.GetFullPath(path), loaded.Path);
    }

    [Fact]
    public void Read_QuotedFieldsWithDelimitersQuotesAndNewlines_ParsesPerRfc4180()
    {
        var t = ReadText("q.csv", "name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\"\r\nplain,\"two\nlines\"\r\n").Table;

        Assert.Equal(2, t.RowCount);
        var name = (StringColumn)t["name"];
        var note = (StringColumn)t["note"];
        Assert.Equal("Smith, J", name[0]);
        Assert.Equal("said \"hi\"", note[0]);
        Assert.Equal("two\nlines", note[1]);
    }

    [Fact]
    public void Read_TsvExtension_SplitsOnTabs()
    {
        var t = ReadText("a.tsv", "a\tb\n1,5\t2\n").Table;

        Assert.Equal(["a", "b"], t.Columns.Select(c => c.Name));
        Assert.Equal("1,5", ((StringColumn)t["a"])[0]);
        Assert.Equal(2, ((NumericColumn)t["b"])[0]);
    }

    [Fact]
    public void Read_MissingTokens_BecomeMissingAndCustomTokensReplaceDefaults()
    {
        var content = "a,b\n1,NA\n?,x\n3,\n";
        var t = ReadText("m.csv", content).Table;
        Assert.True(t["b"].IsMissing(0));
        Assert.True(t["b"].IsMissing(2));
        Assert.Equal(ColumnType.Categorical, t["a"].Type);

        var custom = ReadText("m2.csv", content, new ReadOptions { MissingTokens = ["?"] }).Table;
        Assert.Equal(ColumnType.Numeric, custom["a"].Type);
        Assert.True(custom["a"].IsMissing(1));
        Assert.Equal("NA", ((StringColumn)custom["b"])[0]);
    }

    [Fact]
    public void Read_BlankLinesAndNoTrailingNewline_AddNoRows()
    {
        var t = ReadText("b.csv", "a,b\n\n1,2\n\n3,4").Table;
        Assert.Equal(2, t.RowCount);
    }

    [Fact]
    public void Read_RaggedRow_NamesFileLineAndFieldCounts()
    {
        var e = ReadFails("r.csv", "a,b,c\n1,2,3\n\"x\ny\",2,3\n4,5\n");
        Assert.Equal("r.csv line 5: expected 3 fields (as in the header), got 2.", e.Message);
    }

    [Theory]
    [InlineData("empty.csv", "", "empty.csv: ", "has no header row")]
    [InlineData("d.csv", "a,b,a\n1,2,3\n", "d.csv line 1: ", "column 'a' appears twice in the header (fields 1 and 3)")]
    [InlineData("h.csv", "\na,,c\n1,2,3\n", "h.csv line 2: ", "header field 2 is empty")]
    [InlineData("u.csv", "a,b\n1,2\n3,\"open\nmore\nstill\n", "u.csv line 3: ", "never closed")]
    [InlineData("v.csv", "a,b\n1,2\n\"open,3\n4,5\n", "v.csv line 3: ", "never closed (expected a closing '\"'), so the rest of the file ran into it")]
    [InlineData("t.csv", "a,b\n1,\"x\"y\n", "t.csv line 2: ", "unexpected 'y' after a closing quote")]
    public void Read_MalformedCsv_NamesFileAndLine(string name, string content, string prefix, string fragment)
    {
        var e = ReadFails(name, content);
        Assert.StartsWith(prefix, e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Read_TypeOverrides_ConvertValues()
    {
        var options = new ReadOptions
        {
            Types = new Dictionary<string, ColumnType>
            {
                ["zip"] = ColumnType.Categorical,
                ["flag"] = ColumnType.Boolean,
                ["when"] = ColumnType.DateTime,
                ["n"] = ColumnType.Numeric,
            },
        };
        var t = ReadText("o.csv", "zip,flag,when,n\n02134,1,2024-01-02,NA\n10001,false,2024-01-02T00:00:01Z,2.5\n", options).Table;

        Assert.Equal("02134", ((StringColumn)t["zip"])[0]);
        Assert.Equal(ColumnType.Boolean, t["flag"].Type);
        Assert.Equal(1, ((NumericColumn)t["flag"])[0]);
        Assert.Equal(0, ((NumericColumn)t["flag"])[1]);
        Assert.Equal(1704153600, ((NumericColumn)t["when"])[0]);
        Assert.Equal(1704153601, ((NumericColumn)t["when"])[1]);
        Assert.True(t["n"].IsMissing(0));
    }

    [Fact]
    public void Read_OverrideValueThatDoesNotConvert_NamesFileLineColumnValueAndType()
    {
        var options = new ReadOptions { Types = new Dictionary<string, ColumnType> { ["Income"] = ColumnType.Numeric } };
        var e = ReadFails("credit.csv", "Id,Income\n1,100\n2,\"multi\nline\"\n3,abc\n", options);
        Assert.Equal("credit.csv line 3, column 'Income': expected a number, got 'multi\nline'.", e.Message);
    }

    [Fact]
    public void Read_OverrideForUnknownColumn_NamesItAndListsColumns()
    {
        var options = new ReadOptions { Types = new Dictionary<string, ColumnType> { ["Incme"] = ColumnType.Numeric } };
        var e = ReadFails("c.csv", "Id,Income\n1,2\n", options);
        Assert.Contains("c.csv", e.Message);
        Assert.Contains("'Incme'", e.Message);
        Assert.Contains("Id, Income", e.Message);
    }

    [Fact]
    public void Read_MissingFileOrUnknownExtension_ThrowsInputError()
    {
        Assert.Contains("not found", Assert.Throws<KeelInputException>(() => TableReader.Read(Path.Combine(_dir.Path, "no.csv"), new ReadOptions())).Message);
        Assert.Contains("'.txt'", ReadFails("a.txt", "a\n1\n").Message);
        Assert.Contains("data.format", ReadFails("a.csv", "a\n1\n", new ReadOptions { Format = "xlsx" }).Message);
    }

    [Fact]
    public void Read_ExplicitFormat_OverridesExtension()
    {
        var loaded = ReadText("data.txt", "{\"a\": 1}\n", new ReadOptions { Format = "jsonl" });
        Assert.Equal("jsonl", loaded.Format);
        Assert.Equal(1, ((NumericColumn)loaded.Table["a"])[0]);
    }
}
