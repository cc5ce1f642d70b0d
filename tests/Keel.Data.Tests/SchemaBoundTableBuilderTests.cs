using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Data.Binding;

namespace Keel.Data.Tests;

public sealed class SchemaBoundTableBuilderTests
{
    private static readonly DataSchema Schema = new([
        new ColumnSchema("Income", ColumnType.Numeric),
        new ColumnSchema("Zip", ColumnType.Categorical),
        new ColumnSchema("Active", ColumnType.Boolean),
        new ColumnSchema("Since", ColumnType.DateTime),
    ]);

    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static SchemaBoundTableBuilder AllPresent(int rows)
    {
        var b = new SchemaBoundTableBuilder(Schema, rows);
        for (var c = 0; c < Schema.Columns.Count; c++) b.MarkPresent(c);
        return b;
    }

    [Fact]
    public void SetJson_NumericLookingCategory_StaysCategoricalText()
    {
        var b = AllPresent(2);
        b.SetJson(b.ColumnIndex("Zip"), 0, J("1050"));
        b.SetRaw(b.ColumnIndex("Zip"), 1, "01050");
        var zip = Assert.IsType<StringColumn>(b.Build()["Zip"]);
        Assert.Equal(ColumnType.Categorical, zip.Type);
        Assert.Equal("1050", zip[0]);
        Assert.Equal("01050", zip[1]);
    }

    [Fact]
    public void Set_ValuesOfEachType_ParsedAsTheSchemaSays()
    {
        var b = AllPresent(2);
        b.SetJson(0, 0, J("129.5"));
        b.SetRaw(0, 1, "1e3");
        b.SetJson(2, 0, J("true"));
        b.SetRaw(2, 1, "0");
        b.SetJson(3, 0, J("\"2024-01-02\""));
        var t = b.Build();
        Assert.Equal([129.5, 1000], ((NumericColumn)t["Income"]).Values.ToArray());
        Assert.Equal([1.0, 0.0], ((NumericColumn)t["Active"]).Values.ToArray());
        Assert.Equal(1704153600, ((NumericColumn)t["Since"])[0]);
        Assert.True(t["Since"].IsMissing(1));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"NA\"")]
    [InlineData("\"\"")]
    public void SetJson_NullOrMissingToken_IsMissing(string json)
    {
        var b = AllPresent(1);
        b.SetJson(0, 0, J(json));
        b.SetJson(1, 0, J(json));
        var t = b.Build();
        Assert.True(t["Income"].IsMissing(0));
        Assert.True(t["Zip"].IsMissing(0));
    }

    [Theory]
    [InlineData("Income", "\"lots\"", "row 3 (0-based), column 'Income': expected a number, got 'lots'")]
    [InlineData("Income", "true", "column 'Income': expected a number, got 'true'")]
    [InlineData("Active", "\"maybe\"", "column 'Active': expected true, false, 1 or 0, got 'maybe'")]
    [InlineData("Since", "12", "column 'Since': expected an ISO-8601 date")]
    [InlineData("Zip", "[1]", "column 'Zip': expected a string or null, got an array")]
    public void SetJson_WrongType_ErrorNamesRowAndColumn(string column, string json, string expected)
    {
        var b = new SchemaBoundTableBuilder(Schema, 5, new BindingOptions { Source = "input.jsonl", FirstRow = 2 });
        var e = Assert.Throws<KeelInputException>(() => b.SetJson(b.ColumnIndex(column), 1, J(json)));
        Assert.StartsWith("input.jsonl row", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ColumnNeverGiven_ErrorNamesItAndItsType()
    {
        var b = new SchemaBoundTableBuilder(Schema, 1);
        b.SetJson(0, 0, J("1"));
        b.SetJson(1, 0, J("\"a\""));
        var e = Assert.Throws<KeelInputException>(b.Build);
        Assert.Contains("'Active' (boolean), 'Since' (datetime)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnIndex_ColumnNotInSchema_MinusOne() => Assert.Equal(-1, new SchemaBoundTableBuilder(Schema, 1).ColumnIndex("Status"));

    [Fact]
    public void SetJson_AbsentValueForSomeRows_MissingForThoseRows()
    {
        var b = AllPresent(2);
        b.SetJson(0, 1, J("5"));
        var income = (NumericColumn)b.Build()["Income"];
        Assert.True(income.IsMissing(0));
        Assert.Equal(5, income[1]);
    }
}
