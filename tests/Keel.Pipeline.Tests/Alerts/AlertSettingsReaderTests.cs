using Keel.Core;
using Keel.Pipeline.Alerts;

namespace Keel.Pipeline.Tests.Alerts;

public sealed class AlertSettingsReaderTests
{
    private const string Spec = """
        data: { path: credit.csv, label: default }
        monitor:
          alerts:
            - psi(distance) > 0.2
            - drift_share > 0.3
            - { rule: auc < 0.8, cooldown: 1d, when: labelled_rows >= 200 }
            - p99_ms > 50
            - missing_rate(Income) > 0.1
          cooldown: 30m
          log: logs/alerts.jsonl
          webhook: { url: "http://127.0.0.1:9/hook", timeout: 2s, retries: 1, backoff: 250ms }
        """;

    [Fact]
    public void Parse_FullSection_RulesCooldownsAndSinks()
    {
        var s = AlertSettingsReader.Parse(Spec, "keel.yaml", "/work/x");
        Assert.Equal(["psi(distance) > 0.2", "drift_share > 0.3", "auc < 0.8", "p99_ms > 50", "missing_rate(Income) > 0.1"], s.Rules.Select(r => r.Rule.Text));
        Assert.Equal(TimeSpan.FromDays(1), s.Rules[2].Cooldown);
        Assert.Null(s.Rules[0].Cooldown);
        Assert.Equal(("labelled_rows >= 200", "labelled_rows", ">=", 200.0), (s.Rules[2].When!.Text, s.Rules[2].When!.Figure, s.Rules[2].When!.Operator, s.Rules[2].When!.Threshold));
        Assert.Null(s.Rules[0].When);
        Assert.Equal(TimeSpan.FromMinutes(30), s.Cooldown);
        Assert.Equal("/work/x/logs/alerts.jsonl", s.LogFile);
        Assert.Equal((new Uri("http://127.0.0.1:9/hook"), TimeSpan.FromSeconds(2), 1, TimeSpan.FromMilliseconds(250)),
            (s.Webhook!.Url, s.Webhook.Timeout, s.Webhook.Retries, s.Webhook.Backoff));
    }

    [Fact]
    public void Parse_NoMonitorSection_NoRules() => Assert.Empty(AlertSettingsReader.Parse("data: { path: a.csv, label: y }\n", "keel.yaml", "/").Rules);

    [Theory]
    [InlineData("monitor:\n  alerts:\n    - psi(distance) >> 0.2\n", "keel.yaml line 3, field 'monitor.alerts[0]'")]
    [InlineData("monitor:\n  alerts:\n    - auc < 0.8\n    - aucc < 0.8\n", "keel.yaml line 4, field 'monitor.alerts[1]': unknown figure 'aucc'")]
    [InlineData("monitor:\n  cooldown: soon\n", "keel.yaml line 2, field 'monitor.cooldown': expected a duration")]
    [InlineData("monitor:\n  webhook: { url: ftp://x }\n", "field 'monitor.webhook.url': expected an absolute http or https URL")]
    [InlineData("monitor:\n  alerts:\n    - { rule: auc < 0.8, cooldwn: 1h }\n", "field 'monitor.alerts[0].cooldwn': unknown field")]
    [InlineData("monitor:\n  alerts: auc < 0.8\n", "field 'monitor.alerts': expected a list")]
    [InlineData("monitor:\n  alerts:\n    - { rule: auc < 0.8, when: rowz >= 100 }\n", "keel.yaml line 3, field 'monitor.alerts[0].when': unknown figure 'rowz'")]
    public void Parse_BadField_ErrorNamesFileLineAndField(string yaml, string expected) =>
        Assert.Contains(expected, Assert.Throws<KeelInputException>(() => AlertSettingsReader.Parse(yaml, "keel.yaml", "/")).Message, StringComparison.Ordinal);
}
