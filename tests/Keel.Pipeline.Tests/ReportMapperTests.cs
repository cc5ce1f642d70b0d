using Keel.Core.Data;
using Keel.Data;

namespace Keel.Pipeline.Tests;

public sealed class ReportMapperTests
{
    [Fact]
    public void Column_DateTimeHistogram_BinsLabelledAsDates()
    {
        var start = DateTimeOffset.Parse("2001-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var day = 86_400.0;
        var profile = new ColumnProfile("date", ColumnType.DateTime, 100, 0, 100, start + 5 * day, day, start, start + 10 * day, start + 5 * day,
            [new HistogramBin(start, start + 5 * day, 50), new HistogramBin(start + 5 * day, start + 10 * day, 50)], []);
        var hours = profile with { Histogram = [new HistogramBin(start, start + 0.5 * day, 50), new HistogramBin(start + 0.5 * day, start + day, 50)] };

        Assert.Equal(["2001-01-01–2001-01-06", "2001-01-06–2001-01-11"], ReportMapper.Column(profile).Distribution.Select(b => b.Label));
        Assert.Equal(["2001-01-01 00:00–2001-01-01 12:00", "2001-01-01 12:00–2001-01-02 00:00"], ReportMapper.Column(hours).Distribution.Select(b => b.Label));
    }
}
