using Keel.Core.Alerts;
using Keel.Monitoring.Alerts;
using Keel.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Monitoring.Tests.Alerts;

/// <summary>The engine against a real SQLite alert history and a hand-moved clock.</summary>
public sealed class AlertEngineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keel-monitoring-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(T0);
    private readonly StringWriter _terminal = new();
    private KeelStore _store = null!;

    public async Task InitializeAsync() =>
        _store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(_folder, ".keel"), Time = _time, BaseDirectory = _folder });

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private AlertEngine Engine(params IAlertSink[] more) => new(_store.Alerts, _time, [AlertSinks.Writer(_terminal), .. more]);

    private static AlertSettings Settings(params string[] rules) => new()
    {
        Rules = rules.Select(r => new AlertRuleSpec(AlertRule.Parse(r))).ToArray(),
        Cooldown = TimeSpan.FromHours(1),
    };

    private static Dictionary<string, double> Figures(double psi) => new() { ["psi(distance)"] = psi, ["drift_share"] = 0.1 };

    [Fact]
    public async Task EvaluateAsync_RuleHoldsAgainWithinCooldown_NotSentUntilCooldownPassed()
    {
        var settings = Settings("psi(distance) > 0.2");
        var first = await Engine().EvaluateAsync(settings, "credit@champion", "w1", Figures(0.31));
        _time.Advance(TimeSpan.FromMinutes(59));
        var second = await Engine().EvaluateAsync(settings, "credit@champion", "w2", Figures(0.35));
        _time.Advance(TimeSpan.FromMinutes(1));
        var third = await Engine().EvaluateAsync(settings, "credit@champion", "w3", Figures(0.4));
        Assert.Equal([AlertStatus.Fired, AlertStatus.Cooldown, AlertStatus.Fired], new[] { first, second, third }.Select(o => Assert.Single(o).Status));
        Assert.Equal(2, (await _store.Alerts.ListAsync(new AlertQuery())).Count);
        Assert.Equal(2, _terminal.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task EvaluateAsync_OtherScope_OwnCooldown()
    {
        var settings = Settings("psi(distance) > 0.2");
        await Engine().EvaluateAsync(settings, "a", "w1", Figures(0.31));
        var other = await Engine().EvaluateAsync(settings, "b", "w1", Figures(0.31));
        Assert.Equal(AlertStatus.Fired, Assert.Single(other).Status);
    }

    [Fact]
    public async Task EvaluateAsync_SameWindowMonitoredAgain_DuplicateNotSent()
    {
        var settings = Settings("psi(distance) > 0.2");
        await Engine().EvaluateAsync(settings, "a", "2026-03", Figures(0.31));
        _time.Advance(TimeSpan.FromDays(2)); // past the cooldown: only de-duplication holds it back
        var again = await Engine().EvaluateAsync(settings, "a", "2026-03", Figures(0.31));
        Assert.Equal(AlertStatus.Duplicate, Assert.Single(again).Status);
        Assert.Single(await _store.Alerts.ListAsync(new AlertQuery()));
    }

    [Fact]
    public async Task EvaluateAsync_FigureAbsentOrNotBreached_NothingFires()
    {
        var outcomes = await Engine().EvaluateAsync(Settings("auc < 0.8", "psi(distance) > 0.2", "drift_share > 0.3"), "a", "w", Figures(0.1));
        Assert.Empty(outcomes);
        Assert.Empty(await _store.Alerts.ListAsync(new AlertQuery()));
    }

    [Fact]
    public async Task EvaluateAsync_ConditionDoesNotHold_SuppressedNotStored_FiresOnceItHolds()
    {
        var settings = new AlertSettings
        {
            Rules = [new AlertRuleSpec(AlertRule.Parse("psi(distance) > 0.2"), When: AlertRule.Parse("rows >= 500")),
                new AlertRuleSpec(AlertRule.Parse("auc < 0.8"), When: AlertRule.Parse("labelled_rows >= 200"))],
        };
        var engine = Engine();
        var small = await engine.EvaluateAsync(settings, "a", "w1", new Dictionary<string, double> { ["psi(distance)"] = 9.4, ["rows"] = 1, ["auc"] = 0.5 });
        var large = await engine.EvaluateAsync(settings, "a", "w2", new Dictionary<string, double> { ["psi(distance)"] = 0.31, ["rows"] = 500, ["auc"] = 0.5, ["labelled_rows"] = 200 });

        Assert.Equal([(AlertStatus.Suppressed, "its condition 'rows >= 500' does not hold (value 1)"),
            (AlertStatus.Suppressed, "its condition 'labelled_rows >= 200' does not hold (not computed for this window)")], small.Select(o => (o.Status, o.Detail)));
        Assert.Equal([AlertStatus.Fired, AlertStatus.Fired], large.Select(o => o.Status));
        Assert.Equal(["w2", "w2"], (await _store.Alerts.ListAsync(new AlertQuery())).Select(a => a.Window));
        Assert.DoesNotContain("w1", _terminal.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_LogFileSink_OneJsonLinePerAlert()
    {
        var log = Path.Combine(_folder, "logs", "alerts.jsonl");
        await Engine(AlertSinks.JsonLines(log)).EvaluateAsync(Settings("psi(distance) > 0.2", "drift_share > 0.05"), "a", "w", Figures(0.31));
        var lines = await File.ReadAllLinesAsync(log);
        Assert.Equal(2, lines.Length);
        // Readable as written, so that grep finds a rule: no \u003E for '>'.
        Assert.Contains("\"rule\":\"psi(distance) > 0.2\"", lines[0], StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal(("psi(distance) > 0.2", 0.31), (doc.RootElement.GetProperty("rule").GetString(), doc.RootElement.GetProperty("value").GetDouble()));
        Assert.Equal("terminal, log", (await _store.Alerts.ListAsync(new AlertQuery()))[0].Delivered);
    }
}
