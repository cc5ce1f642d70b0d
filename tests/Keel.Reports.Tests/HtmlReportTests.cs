using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Keel.Reports.Tests;

public sealed class HtmlReportTests
{
    private static XElement Body(ReportModel model) => Xml.Parse(HtmlReport.Render(model)).Root!.Element("body")!;

    private static XElement Section(XElement body, string id) =>
        body.Descendants("section").Single(s => (string?)s.Attribute("id") == id);

    [Fact]
    public void Render_Binary_IsWellFormedWithSectionsInOrder()
    {
        var doc = Xml.Parse(HtmlReport.Render(SampleReports.Binary()));

        Assert.Equal("html", doc.Root!.Name.LocalName);
        Assert.Equal("credit_data — run 3f2a9c1e", doc.Root.Element("head")!.Element("title")!.Value);
        var ids = doc.Descendants("section").Select(s => (string?)s.Attribute("id")).ToList();
        Assert.Equal(["run", "data", "leaderboard", "gates", "models"], ids);
    }

    [Fact]
    public void Render_Binary_NoExternalReferencesOrScripts()
    {
        var html = HtmlReport.Render(SampleReports.Binary());

        var urls = Regex.Matches(html, @"(https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^""'\s]*").Select(m => m.Value).Distinct().ToList();
        Assert.Equal(["http://www.w3.org/2000/svg"], urls);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
        var doc = Xml.Parse(html);
        Assert.DoesNotContain(doc.Descendants().Attributes(), a => a.Name.LocalName is "src" or "onerror" or "onload");
        Assert.All(doc.Descendants("a"), a => Assert.StartsWith("#", (string)a.Attribute("href")!));
    }

    [Fact]
    public void Render_HostileNames_EscapedEverywhere()
    {
        const string evil = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>";
        var model = SampleReports.Binary() with
        {
            Title = evil,
            Selected = evil,
            Registered = evil,
            Gates = [new GateView(evil, false, evil)],
            Candidates = SampleReports.Binary().Candidates.Select((c, i) => i == 2
                ? c with { Name = evil, Type = evil, Params = new Dictionary<string, string> { [evil] = evil }, Classes = [evil, "ok"] }
                : c).ToList(),
        };
        model = model with { Data = model.Data with { Path = evil, Label = evil, LabelDistribution = [new LabelCount(evil, 3)] } };

        var html = HtmlReport.Render(model);
        var doc = Xml.Parse(html);

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName is "script" or "img");
        Assert.Contains(doc.Descendants("h1"), h => h.Value == evil);
        // The long name is truncated in the cell and kept whole in the tooltip.
        Assert.Contains(doc.Descendants("tr"), tr => (string?)tr.Attribute("class") == "selected"
            && tr.Descendants("span").Any(s => (string?)s.Attribute("title") == evil));
    }

    [Fact]
    public void Render_HigherIsBetter_LeaderboardBestFirstWithSelectedAndBaselinesMarked()
    {
        var rows = Section(Body(SampleReports.Binary()), "leaderboard").Descendants("tbody").Single().Elements("tr").ToList();

        Assert.Equal(["lightgbm", "fasttree", "fastforest", "logistic", "majority"],
            rows.Select(r => r.Elements("td").ElementAt(1).Nodes().OfType<XText>().First().Value));
        Assert.Equal("selected", (string?)rows[0].Attribute("class"));
        Assert.Single(rows, r => (string?)r.Attribute("class") == "selected");
        Assert.Contains("baseline", rows[^1].Value);
        Assert.Equal("0.8120", rows[0].Elements("td").ElementAt(3).Value);
    }

    [Fact]
    public void Render_LowerIsBetter_LeaderboardSortsAscendingAndNaNLast()
    {
        var model = SampleReports.Regression();
        var worst = model.Candidates[0] with { Name = "broken", ValidationMetrics = new Dictionary<string, double> { ["rmse"] = double.NaN } };
        model = model with { Candidates = [.. model.Candidates, worst] };

        var rows = Section(Body(model), "leaderboard").Descendants("tbody").Single().Elements("tr").ToList();
        var names = rows.Select(r => r.Elements("td").ElementAt(1).Nodes().OfType<XText>().First().Value).ToList();

        Assert.Equal(["lightgbm", "sdca", "mean", "broken"], names);
        Assert.Equal("—", rows[^1].Elements("td").ElementAt(3).Value);
    }

    [Fact]
    public void Render_TiedValidation_EarlierCandidateFirstAsSelectionChooses()
    {
        var model = SampleReports.Binary();
        var auc = new Dictionary<string, double> { ["auc"] = 0.9 };
        model = model with { Candidates = [model.Candidates[4] with { Name = "zeta", ValidationMetrics = auc }, model.Candidates[1] with { Name = "alpha", ValidationMetrics = auc }] };

        var rows = Section(Body(model), "leaderboard").Descendants("tbody").Single().Elements("tr").ToList();

        Assert.Equal(["zeta", "alpha"], rows.Select(r => r.Elements("td").ElementAt(1).Nodes().OfType<XText>().First().Value));
    }

    [Fact]
    public void Render_RefitFinal_OwnRowAndSectionCandidatesKeepTheirFigures()
    {
        var model = SampleReports.Binary();
        var final = model.Candidates[2] with { Name = "final (refit)", ValidationMetrics = new Dictionary<string, double>(), TestMetrics = new Dictionary<string, double> { ["auc"] = 0.777 } };
        model = model with { Final = final };

        var body = Body(model);
        var rows = Section(body, "leaderboard").Descendants("tbody").Single().Elements("tr").ToList();

        Assert.Equal(6, rows.Count);
        Assert.Equal("final (refit)", rows[^1].Elements("td").ElementAt(1).Nodes().OfType<XText>().First().Value);
        Assert.Equal("final", (string?)rows[^1].Attribute("class"));
        Assert.Equal("—", rows[^1].Elements("td").ElementAt(3).Value);
        Assert.Equal("0.7770", rows[^1].Elements("td").ElementAt(4).Value);
        Assert.NotEqual("0.7770", rows[0].Elements("td").ElementAt(4).Value);
        Assert.Contains("Registered: final (refit)", Section(body, "models").Value);
    }

    [Fact]
    public void Render_Binary_LeaderboardShowsCostColumnsAndMetricChart()
    {
        var board = Section(Body(SampleReports.Binary()), "leaderboard");
        var header = board.Descendants("th").Select(t => t.Value).ToList();

        Assert.Contains("validation auc", header);
        Assert.Contains("test auc", header);
        Assert.Contains("model size", header);
        var sizes = board.Descendants("tbody").Single().Elements("tr").Select(r => r.Elements("td").Last().Value).ToList();
        Assert.Contains("408.5 KB", sizes);
        Assert.Contains("2.50 MB", sizes);
        Assert.Equal(5, board.Descendants(Xml.Svg + "svg").Single().ByClass("bar").Count());
    }

    [Fact]
    public void Render_CvSelectionWithTie_LeaderboardShowsBasisReasonSpreadAndTie()
    {
        var model = SampleReports.Binary();
        model = model with
        {
            Candidates = model.Candidates.Select(c => c with { ValidationSpread = new Dictionary<string, double> { ["auc"] = 0.012 } }).ToArray(),
            SelectionBasis = "5-fold cv (stratified folds) mean",
            SelectionReason = "default: 3117 training rows × 5 candidates ≤ 200000",
            Selected = "logistic",
            WithinNoise = ["lightgbm", "fasttree", "logistic"],
            TieRule = "3 candidates within noise of the best; chose the simplest",
        };
        var board = Section(Body(model), "leaderboard");

        Assert.Contains("Ranked by 5-fold cv (stratified folds) mean auc (higher is better; default: 3117 training rows × 5 candidates ≤ 200000)", board.Value);
        Assert.Contains("cv sd", board.Descendants("th").Select(t => t.Value));
        Assert.Contains("Within noise of each other: lightgbm, fasttree, logistic. 3 candidates within noise of the best; chose the simplest.", board.Value);
        Assert.Contains("cv mean auc by candidate", board.Descendants(Xml.Svg + "svg").Single().Value);
    }

    [Fact]
    public void Render_TieRuleWithoutTiedCandidates_ShownAsNote()
    {
        var model = SampleReports.Binary() with { TieRule = "split.ties: best has no effect here" };

        var board = Section(Body(model), "leaderboard");

        Assert.Contains("Note: split.ties: best has no effect here.", board.Value);
        Assert.DoesNotContain("Within noise", board.Value);
        Assert.Contains("Validation auc by candidate", board.Descendants(Xml.Svg + "svg").Single().Value);
    }

    [Fact]
    public void Render_Binary_RocAndPrOverlaysHaveOneLinePerCandidate()
    {
        var models = Section(Body(SampleReports.Binary()), "models");
        var overlays = models.ByClass("overlays").Single().Descendants(Xml.Svg + "svg").ToList();

        Assert.Equal(2, overlays.Count);
        Assert.All(overlays, svg => Assert.Equal(5, svg.ByClass("series-line").Count()));
        Assert.All(overlays, svg => Assert.Equal(5, svg.ByClass("legend-item").Count()));
        Assert.Single(overlays[0].ByClass("diagonal"));
    }

    [Fact]
    public void Render_Binary_SelectedOpenOthersInDetailsWithChartsAndParams()
    {
        var models = Section(Body(SampleReports.Binary()), "models");

        var selected = models.Elements("article").Single();
        Assert.Contains("lightgbm", selected.Element("h3")!.Value);
        Assert.Equal(4, models.Elements("details").Count());
        Assert.Single(selected.Descendants(Xml.Svg + "svg"), s => ((string)s.Attribute("class")!).Contains("heatmap"));
        Assert.Contains(selected.Descendants(Xml.Svg + "svg"), s => ((string)s.Attribute("class")!).Contains("line-chart"));
        Assert.Contains(selected.Descendants("table"), t => ((string?)t.Attribute("class"))!.Contains("params"));
        var cells = selected.Descendants(Xml.Svg + "svg").Single(s => ((string)s.Attribute("class")!).Contains("heatmap")).ByClass("cell");
        Assert.Equal(4, cells.Count());
    }

    [Fact]
    public void Render_Multiclass_PerClassTableFromConfusionMatrix()
    {
        var article = Section(Body(SampleReports.Multiclass()), "models").Elements("article").Single();
        var rows = article.Descendants("table").Single(t => (string?)t.Attribute("class") == "per-class")
            .Descendants("tbody").Single().Elements("tr").Select(r => r.Elements("td").Select(td => td.Value).ToList()).ToList();

        // Chinstrap: tp 11, predicted 13, support 14.
        Assert.Equal(["Chinstrap", "0.8462", "0.7857", "0.8148", "14"], rows[1]);
        Assert.Equal(3, rows.Count);
    }

    [Fact]
    public void Render_Regression_ResidualScatterWithDiagonalAndLossCurves()
    {
        var article = Section(Body(SampleReports.Regression()), "models").Elements("article").Single();
        var svgs = article.Descendants(Xml.Svg + "svg").ToList();

        var scatter = svgs.Single(s => ((string)s.Attribute("class")!).Contains("scatter-chart"));
        Assert.Equal(300, scatter.ByClass("series-points").Single().Elements(Xml.Svg + "circle").Count());
        Assert.Single(scatter.ByClass("diagonal"));
        var loss = svgs.Single(s => ((string)s.Attribute("class")!).Contains("line-chart"));
        Assert.Equal(2, loss.ByClass("series-line").Count());
        Assert.Empty(Section(Body(SampleReports.Regression()), "models").ByClass("overlays"));
    }

    [Fact]
    public void Render_LossCurveNote_ShownBelowTheCandidatesLossChart()
    {
        var model = SampleReports.Regression();
        model = model with { Candidates = model.Candidates.Select(c => c.LossCurves.Count > 0 ? c with { LossCurveNote = "cv mean rmse: chose 22 rounds" } : c).ToArray() };

        var article = Section(Body(model), "models").Elements("article").Single();

        var note = article.Descendants("p").Single(p => p.Value == "cv mean rmse: chose 22 rounds");
        Assert.Equal("muted", (string?)note.Attribute("class"));
        Assert.DoesNotContain("chose 22 rounds", Section(Body(SampleReports.Regression()), "models").Value);
    }

    [Fact]
    public void Render_NaNMetric_ShownAsDash()
    {
        var board = Section(Body(SampleReports.Binary()), "leaderboard");
        var baseline = board.Descendants("tbody").Single().Elements("tr").Last();

        Assert.Contains("—", baseline.Elements("td").Select(td => td.Value));
        Assert.DoesNotContain("NaN", HtmlReport.Render(SampleReports.Regression()));
    }

    [Fact]
    public void Render_Data_ProfileRowPerColumnWithSparklineAndGates()
    {
        var body = Body(SampleReports.Binary());
        var rows = Section(body, "data").Descendants("table").Single(t => ((string?)t.Attribute("class"))!.Contains("profile"))
            .Descendants("tbody").Single().Elements("tr").ToList();

        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Single(r.Descendants(Xml.Svg + "svg")));
        Assert.Equal("—", rows[3].Elements("td").ElementAt(4).Value);
        var gates = Section(body, "gates");
        Assert.Equal(["gate pass", "gate pass", "gate fail"], gates.Descendants("li").Select(li => (string)li.Attribute("class")!));
        Assert.Contains("not registered", gates.ByClass("registration").Single().Value);
    }

    [Fact]
    public void Render_DateTimeColumnProfile_TimesAndSpanNotSeconds()
    {
        var start = DateTimeOffset.Parse("2001-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var column = new ColumnView("date", "datetime", 0, 180, start + 90 * 86_400.0, 52 * 86_400.0, start, start + 180 * 86_400.0 + 3_600,
            [new BarDatum("2001-01-01–2001-04-01", 90), new BarDatum("2001-04-01–2001-06-30", 90)]);
        var model = SampleReports.Binary();
        model = model with { Data = model.Data with { Profile = [column] } };

        var row = Section(Body(model), "data").Descendants("table").Single(t => ((string?)t.Attribute("class"))!.Contains("profile"))
            .Descendants("tbody").Single().Elements("tr").Single();

        Assert.Equal(["2001-04-01 00:00", "52 days", "2001-01-01 00:00", "2001-06-30 01:00"], row.Elements("td").Skip(4).Take(4).Select(td => td.Value));
    }

    [Fact]
    public void Render_EmptyRun_StillWellFormed()
    {
        var model = SampleReports.Binary() with { Candidates = [], Selected = null, Gates = [], Registered = null };
        model = model with { Data = model.Data with { Profile = [], LabelDistribution = [] } };

        var body = Body(model);
        Assert.Contains("No candidates", Section(body, "models").Value);
    }

    [Fact]
    public void Render_SameModel_SameHtml() =>
        Assert.Equal(HtmlReport.Render(SampleReports.Binary()), HtmlReport.Render(SampleReports.Binary()));

    [Fact]
    public void Render_Sample_WrittenToTempForVisualCheck()
    {
        var path = Path.Combine(Path.GetTempPath(), "keel-report-sample.html");
        File.WriteAllText(path, HtmlReport.Render(SampleReports.Binary()));
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "keel-report-sample-regression.html"), HtmlReport.Render(SampleReports.Regression()));
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "keel-report-sample-multiclass.html"), HtmlReport.Render(SampleReports.Multiclass()));

        Assert.True(new FileInfo(path).Length > 10_000);
    }
}
