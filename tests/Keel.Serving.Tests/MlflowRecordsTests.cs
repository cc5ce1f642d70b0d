using System.Text.Json;
using Keel.Core.Data;
using Keel.Data.Binding;
using Keel.Serving.Requests;

namespace Keel.Serving.Tests;

public sealed class MlflowRecordsTests
{
    private static readonly DataSchema Schema = new([new ColumnSchema("user.age", ColumnType.Numeric), new ColumnSchema("user.home.city", ColumnType.Categorical)]);

    [Fact]
    public void BindJson_NestedRecordObjects_FillTheColumnsNamedByTheirPath()
    {
        using var body = JsonDocument.Parse("""
            {"dataframe_records": [{"user": {"age": 30, "home": {"city": "Oslo"}, "note": "ignored"}},
                                   {"user.age": 41, "user.home.city": "Bergen"}]}
            """);

        var table = MlflowRequest.BindJson(body.RootElement, Schema, new BindingOptions { Source = "request" }, 10);

        Assert.Equal([30, 41], ((NumericColumn)table["user.age"]).Values.ToArray());
        Assert.Equal("Oslo", table["user.home.city"].Format(0));
        Assert.Equal("Bergen", table["user.home.city"].Format(1));
    }
}
