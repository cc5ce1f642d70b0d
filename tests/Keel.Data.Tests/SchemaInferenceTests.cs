using Keel.Core.Data;

namespace Keel.Data.Tests;

public sealed class SchemaInferenceTests
{
    [Theory]
    [InlineData(ColumnType.Numeric, "1", "2.5", "-3e2", null)]
    [InlineData(ColumnType.Boolean, "true", "FALSE", "True", null)]
    [InlineData(ColumnType.DateTime, "2024-01-31", "2024-02-01T10:00:00Z", "2024-02-01 10:00", "2024-02-01T10:00:00.123+02:00")]
    [InlineData(ColumnType.Categorical, "a", "b", "a", "1")]
    [InlineData(ColumnType.Categorical, "2024-13-45", "2024-01-01", null, null)]
    [InlineData(ColumnType.Categorical, "1", "true", null, null)]
    [InlineData(ColumnType.Numeric, "Infinity", "1", null, null)]
    [InlineData(ColumnType.Numeric, "inf", "-inf", "-Infinity", "1e400")]
    [InlineData(ColumnType.Categorical, "1", "2", "3+", null)]
    [InlineData(ColumnType.Text, "the quick brown fox", "jumps over the lazy", "dog and cat alike", "all day long today")]
    public void Infer_Values_GivesExpectedType(ColumnType expected, string? a, string? b, string? c, string? d)
    {
        Assert.Equal(expected, SchemaInference.Infer([a, b, c, d]));
    }

    [Fact]
    public void Infer_NearlyAllNumbersWithAStrayToken_ThrowsNamingCountsAndTokens()
    {
        var values = Enumerable.Range(0, 200).Select(i => (string?)i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        values[7] = "abc";

        var e = Assert.Throws<Keel.Core.KeelInputException>(() => SchemaInference.Infer(values));
        Assert.Contains("199 of 200 values are numbers but 1 is not: 'abc' (index 7)", e.Message);
    }

    [Fact]
    public void Infer_AllMissing_IsCategorical()
    {
        Assert.Equal(ColumnType.Categorical, SchemaInference.Infer([null, null]));
        Assert.Equal(ColumnType.Categorical, SchemaInference.Infer([]));
    }

    [Fact]
    public void Infer_MostlyUniqueLongStrings_IsText()
    {
        var values = Enumerable.Range(0, 10).Select(i => (string?)$"identifier-number-{i:D4}-long-value").ToArray();
        Assert.Equal(ColumnType.Text, SchemaInference.Infer(values));
    }

    [Fact]
    public void Infer_RepeatedLongStrings_IsCategorical()
    {
        var values = Enumerable.Range(0, 10).Select(i => (string?)(i % 2 == 0 ? "Residential_Low_Density" : "Floating_Village_Residential")).ToArray();
        Assert.Equal(ColumnType.Categorical, SchemaInference.Infer(values));
    }

    [Fact]
    public void Read_SeattleWeatherDates_AreDateTimeAsUnixSecondsUtc()
    {
        var t = TableReader.Read(Samples.File("seattle-weather.csv"), new ReadOptions()).Table;
        var date = Assert.IsType<NumericColumn>(t["date"]);

        Assert.Equal(ColumnType.DateTime, date.Type);
        Assert.Equal(1325376000, date[0]); // 2012-01-01T00:00:00Z
        Assert.Equal(ColumnType.Categorical, t["weather"].Type);
        Assert.Equal(ColumnType.Numeric, t["precipitation"].Type);
    }
}
