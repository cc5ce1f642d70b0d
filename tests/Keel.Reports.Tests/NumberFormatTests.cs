namespace Keel.Reports.Tests;

public sealed class NumberFormatTests
{
    [Theory]
    [InlineData(0.812345, "0.8123")]
    [InlineData(1.0, "1.000")]
    [InlineData(23456.789, "23457")]
    [InlineData(123.456, "123.5")]
    [InlineData(-0.5, "-0.5000")]
    [InlineData(0.0001234, "1.234E-4")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "—")]
    [InlineData(double.PositiveInfinity, "—")]
    public void Metric_Values_FourSignificantDigitsInvariant(double value, string expected) =>
        Assert.Equal(expected, NumberFormat.Metric(value));

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(14_336L, "14.0 KB")]
    [InlineData(2_621_440L, "2.50 MB")]
    public void Bytes_Sizes_UseBinaryUnits(long bytes, string expected) => Assert.Equal(expected, NumberFormat.Bytes(bytes));

    [Theory]
    [InlineData(0.30000000000000004, 0.1, "0.3")]
    [InlineData(2.5, 2.5, "2.5")]
    [InlineData(0.75, 0.25, "0.75")]
    [InlineData(250_000, 50_000, "250k")]
    [InlineData(1_500_000, 500_000, "1.5M")]
    [InlineData(40, 10, "40")]
    [InlineData(0, 100_000, "0")]
    public void Tick_Values_RoundedToStep(double value, double step, string expected) =>
        Assert.Equal(expected, NumberFormat.Tick(value, step));

    [Fact]
    public void Escape_ControlCharactersAndMarkup_Replaced() =>
        Assert.Equal("&lt;a&gt; &amp; &quot;b&quot; &#39;c&#39; \uFFFD😀", Markup.Escape("<a> & \"b\" 'c' \u0001😀"));
}
