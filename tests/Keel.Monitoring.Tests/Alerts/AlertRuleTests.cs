using Keel.Core;
using Keel.Monitoring.Alerts;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Tests.Alerts;

public sealed class AlertRuleTests
{
    [Theory]
    [InlineData("psi(distance) > 0.2", "psi(distance)", ">", 0.2)]
    [InlineData("drift_share>0.3", "drift_share", ">", 0.3)]
    [InlineData("auc < 0.8", "auc", "<", 0.8)]
    [InlineData("p99_ms >= 50", "p99_ms", ">=", 50)]
    [InlineData("missing_rate( Income ) > 1e-1", "missing_rate(Income)", ">", 0.1)]
    public void Parse_Valid_FigureOperatorThreshold(string text, string figure, string op, double threshold)
    {
        var r = AlertRule.Parse(text);
        Assert.Equal((figure, op, threshold), (r.Figure, r.Operator, r.Threshold));
    }

    [Theory]
    [InlineData("psi(distance) 0.2", "expected FIGURE OPERATOR NUMBER")]
    [InlineData("auc < high", "threshold 'high'")]
    [InlineData("aucc < 0.8", "unknown figure 'aucc'")]
    [InlineData("psi > 0.2", "psi is per column")]
    [InlineData("foo(x) > 1", "unknown column statistic 'foo'")]
    [InlineData("auc = 0.8", "expected ==")]
    public void Parse_Invalid_SaysWhatWasExpected(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<KeelInputException>(() => AlertRule.Parse(text)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("auc < 0.8", 0.79, true)]
    [InlineData("auc < 0.8", 0.8, false)]
    [InlineData("rows != 0", 0, false)]
    [InlineData("rows == 0", 0, true)]
    public void HoldsFor_Value_ComparesWithThreshold(string text, double value, bool breached) =>
        Assert.Equal(breached, AlertRule.Parse(text).HoldsFor(value));

    [Fact]
    public void Parse_EveryFigureADriftWindowHas_IsARule()
    {
        // A numeric and a categorical column, drifted, so every statistic of either kind is computed.
        var reference = ReferenceBuilder.Build(DriftAnalyzerTests.Synthetic(2_000, 1, 0).Columns, [], "synthetic");
        var window = DriftAnalyzer.Compare(reference, DriftAnalyzerTests.Synthetic(500, 2, 0.8), "w");

        Assert.Contains("wasserstein_norm(income)", window.Figures.Keys);
        Assert.All(window.Figures.Keys, figure => Assert.Equal(figure, AlertRule.Parse(figure + " > 0").Figure));
    }

    [Theory]
    [InlineData(0.31, "0.31")]
    [InlineData(144, "144")]
    [InlineData(0.000015, "1.5E-05")]
    [InlineData(18773.6597, "18773.66")]
    [InlineData(-250000, "-250000")]
    public void FormatValue_AlertLines_LargeFiguresInFullNotInExponents(double value, string expected) =>
        Assert.Equal(expected, AlertNotice.FormatValue(value));
}
