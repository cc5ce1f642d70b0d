using Keel.Core;
using Keel.Pipeline.Retrain;

namespace Keel.Pipeline.Tests.Retrain;

public sealed class RetrainPolicyReaderTests
{
    [Fact]
    public void Parse_SpecSection_EveryField()
    {
        var p = RetrainPolicyReader.Parse("""
            data: { path: a.csv, label: y }
            retrain:
              trigger: { alert: true, schedule: 7d, new_rows: 5000, performance_drop: 0.02 }
              window: { kind: sliding, last: 60d }
              comparison: { rows: 2000 }
              promote: { metric: accuracy, margin: 0.005, alpha: 0.01 }
              deployment: credit
            """, "keel.yaml", isSpec: true);
        Assert.Equal((true, TimeSpan.FromDays(7), 5000, 0.02), (p.Triggers.Alert, p.Triggers.Schedule, p.Triggers.NewRows, p.Triggers.PerformanceDrop));
        Assert.Equal((WindowKind.Sliding, TimeSpan.FromDays(60)), (p.Window.Kind, p.Window.Last));
        Assert.Equal((2000, "accuracy", 0.005, 0.01, "credit"), (p.ComparisonRows, p.Promote.Metric, p.Promote.Margin, p.Promote.Alpha, p.Deployment));
    }

    [Fact]
    public void Parse_PolicyFileRootAndFilesWindow_KindInferred()
    {
        var p = RetrainPolicyReader.Parse("window: { files: [jan.csv, feb.csv] }\n", "policy.yaml", isSpec: false);
        Assert.Equal((WindowKind.Files, 2), (p.Window.Kind, p.Window.Files.Count));
        Assert.False(p.Triggers.Any);
    }

    [Fact]
    public void Parse_SpecWithoutSection_Defaults() =>
        Assert.Equal(new RetrainPolicy().ComparisonRows, RetrainPolicyReader.Parse("data: { path: a.csv, label: y }\n", "keel.yaml", isSpec: true).ComparisonRows);

    [Theory]
    [InlineData("trigger: { new_rows: 0 }\n", "policy.yaml line 1, field 'retrain.trigger.new_rows': expected a whole number of at least 1")]
    [InlineData("trigger: { schedule: weekly }\n", "field 'retrain.trigger.schedule': expected a duration")]
    [InlineData("window: { kind: rolling }\n", "field 'retrain.window.kind': expected one of expanding, sliding, files")]
    [InlineData("promote: { alpha: 1.5 }\n", "field 'retrain.promote.alpha': expected a level between 0 and 1")]
    [InlineData("comparison: { rows: 5 }\n", "field 'retrain.comparison.rows': expected a whole number of at least 10")]
    [InlineData("triggers: {}\n", "field 'retrain.triggers': unknown field")]
    public void Parse_BadField_ErrorNamesFileLineField(string yaml, string expected) =>
        Assert.Contains(expected, Assert.Throws<KeelInputException>(() => RetrainPolicyReader.Parse(yaml, "policy.yaml", isSpec: false)).Message, StringComparison.Ordinal);
}
