using System.Xml.Linq;

namespace Keel.Reports.Tests;

public sealed class ChecksAndFeaturesSectionTests
{
    private static XElement Section(ReportModel model, string id) =>
        Xml.Parse(HtmlReport.Render(model)).Root!.Element("body")!.Descendants("section").Single(s => (string?)s.Attribute("id") == id);

    private static ReportModel WithChecksAndFeatures() => SampleReports.Binary() with
    {
        ChecksRan = true,
        Findings =
        [
            new FindingView("integrity", "duplicate_rows", "warning", "37 rows repeat an earlier row <exactly>.", [], [4, 9, 12], 37, "Drop them."),
            new FindingView("leakage", "target_leakage", "error", "'delay' alone predicts the label (AUC 0.999).", ["delay"], [], 0, "Ignore 'delay'."),
        ],
        Features =
        [
            new FeatureView("Income", "numeric", ["Income"], ["impute median (120)", "scale robust: (x − 120) / 75"], ["Income", "Income__missing"],
                new Dictionary<string, double> { ["fill"] = 120, ["center"] = 120, ["spread"] = 75 }),
            new FeatureView("Home*Job", "categorical", ["Home", "Job"], ["cross Home × Job", "one-hot: 3 values kept"], ["Home*Job=rent|fixed"], new Dictionary<string, double>()),
            new FeatureView("When", "datetime", ["When"], ["impute median (2001-03-09T17:56:00Z)", "date parts: hour"], ["When__hour"],
                new Dictionary<string, double> { ["fill"] = 984160560 }),
        ],
    };

    [Fact]
    public void Render_Findings_DataChecksSectionAfterDataListsEachWithRowsAndFix()
    {
        var model = WithChecksAndFeatures();

        var ids = Xml.Parse(HtmlReport.Render(model)).Descendants("section").Select(s => (string?)s.Attribute("id")).ToList();
        Assert.Equal(["run", "data", "checks", "features", "leaderboard", "gates", "models"], ids);
        var rows = Section(model, "checks").Descendants("tbody").Single().Elements("tr").ToList();
        Assert.Equal(2, rows.Count);
        var first = rows[0].Elements("td").Select(td => td.Value).ToArray();
        Assert.Equal(["integrity", "duplicate_rows", "WARNING", "37 rows repeat an earlier row <exactly>.", "", "37 (4, 9, 12, …)", "Drop them."], first);
        Assert.Equal("delay", rows[1].Elements("td").ElementAt(4).Value);
    }

    [Fact]
    public void Render_ChecksRanWithoutFindings_SaysNothingFound()
    {
        var section = Section(SampleReports.Binary() with { ChecksRan = true }, "checks");

        Assert.Contains("found nothing", section.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Features_OneRowPerInputWithTransformsOutputsAndStatistics()
    {
        var rows = Section(WithChecksAndFeatures(), "features").Descendants("tbody").Single().Elements("tr").ToList();

        var income = rows[0].Elements("td").Select(td => td.Value).ToArray();
        Assert.Equal("Income", income[0]);
        Assert.Equal("impute median (120) → scale robust: (x − 120) / 75", income[2]);
        Assert.Equal("Income, Income__missing", income[3]);
        Assert.Equal("center 120, fill 120, spread 75".Split(", ").Order(), income[4].Split(", ").Order());
        Assert.Equal("Home*Job (Home × Job)", rows[1].Elements("td").First().Value);
        Assert.Equal("fill 2001-03-09 17:56", rows[2].Elements("td").ElementAt(4).Value);
    }

    [Fact]
    public void Render_NoChecksOrFeatures_SectionsLeftOut()
    {
        var ids = Xml.Parse(HtmlReport.Render(SampleReports.Binary())).Descendants("section").Select(s => (string?)s.Attribute("id"));

        Assert.DoesNotContain("checks", ids);
        Assert.DoesNotContain("features", ids);
    }
}
