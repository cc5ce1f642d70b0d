using Keel.Core;
using Keel.Core.Data;
using Keel.Data.Contracts;
using Keel.Data.Quality;

namespace Keel.Data.Tests;

public sealed class DataContractTests
{
    private static Table Training() => new([
        new NumericColumn("age", [20, 35, 50, double.NaN]),
        new StringColumn("home", ["rent", "own", "rent", "other"]),
        new StringColumn("y", ["a", "b", "a", "b"]),
    ]);

    [Fact]
    public void Infer_TrainingTable_RangesCategoriesMissingRatesAndRowBand()
    {
        var c = DataContract.Infer(Training());

        var age = c.Columns[0];
        Assert.Equal(("numeric", 20.0, 50.0), (age.Type, age.Min!.Value, age.Max!.Value));
        Assert.Equal(0.385, age.MaxMissingRate, 9); // 25 % × 1.5 + 0.01
        Assert.Equal(["other", "own", "rent"], c.Columns[1].Categories);
        Assert.Equal(new RowBand(1, 40), c.Rows);
    }

    [Fact]
    public void Check_NewData_EveryViolationWithRowAndColumn()
    {
        var contract = DataContract.Parse(DataContract.Infer(Training()).ToJson(), "c.json");
        var data = new Table([
            new StringColumn("age", ["30", "x", "70", "10"]),
            new StringColumn("home", ["rent", "boat", "own", "Rent"]),
        ]);

        var v = ContractChecker.Check(data, contract);

        Assert.Contains(v, x => x is { Rule: "type", Severity: Severity.Error, Column: "age", Row: 1, Value: "x" });
        Assert.Contains(v, x => x is { Rule: "above_max", Column: "age", Row: 2, Value: "70" });
        Assert.Contains(v, x => x is { Rule: "below_min", Column: "age", Row: 3, Value: "10" });
        Assert.Contains(v, x => x is { Rule: "unknown_category", Column: "home", Row: 1, Value: "boat" });
        Assert.Contains(v, x => x is { Rule: "unknown_category", Column: "home", Row: 3, Value: "Rent" });
        Assert.Contains(v, x => x is { Rule: "missing_column", Severity: Severity.Error, Column: "y" });
        Assert.Equal(6, v.Count);
    }

    [Fact]
    public void Check_DecimalCommaText_ReadAsTheFileWasRead()
    {
        var contract = DataContract.Infer(Training());
        var data = new Table([
            new StringColumn("age", ["30,5", "70,5", "19,5", "x"]),
            new StringColumn("home", ["rent", "own", "rent", "own"]),
            new StringColumn("y", ["a", "b", "a", "b"]),
        ]);

        var comma = ContractChecker.Check(data, contract, decimalComma: true);
        var point = ContractChecker.Check(data, contract);

        Assert.Equal(["above_max 1 70,5", "below_min 2 19,5", "type 3 x"], comma.Select(x => $"{x.Rule} {x.Row} {x.Value}"));
        Assert.Equal(4, point.Count(x => x.Rule == "type"));
    }

    [Fact]
    public void Check_LabelIgnored_NoMissingColumnForIt()
    {
        var data = Training().Drop(["y"]);

        Assert.Empty(ContractChecker.Check(data, DataContract.Infer(Training()), ["y"]));
    }

    [Fact]
    public void Parse_NotJson_ErrorNamesFileAndLine()
    {
        var e = Assert.Throws<KeelInputException>(() => DataContract.Parse("{\n  \"rows\": {\"min\": 1, \"max\": 2},\n  \"columns\": [oops]\n}", "c.json"));

        Assert.StartsWith("c.json: not a data contract at line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownType_ErrorNamesColumn()
    {
        var e = Assert.Throws<KeelInputException>(() => DataContract.Parse("{\"rows\": {\"min\": 1, \"max\": 2}, \"columns\": [{\"name\": \"a\", \"type\": \"money\"}]}", "c.json"));

        Assert.Contains("columns[0] ('a'): type 'money'", e.Message, StringComparison.Ordinal);
    }
}
