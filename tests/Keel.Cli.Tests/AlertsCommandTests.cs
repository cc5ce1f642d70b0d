namespace Keel.Cli.Tests;

public sealed class AlertsCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private const string Spec = """
        data: { path: credit.csv, label: default }
        monitor:
          alerts: [ "psi(distance) > 0.2", "auc < 0.8" ]
          log: alerts.jsonl
        """;

    [Fact]
    public async Task Check_RuleHolds_Exit4AlertStoredLoggedAndListed()
    {
        _cli.Write("keel.yaml", Spec);
        _cli.Write("figures.json", """{"psi(distance)": 0.31, "auc": 0.85, "drift_share": null}""");
        var check = await _cli.RunAsync("alerts", "check", "keel.yaml", "--figures", "figures.json", "--scope", "credit@champion", "--window", "2026-03");
        Assert.Equal(4, check.Exit);
        Assert.Contains("ALERT credit@champion: psi(distance) > 0.2 (value 0.31) in window 2026-03", check.Error, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(Path.Combine(_cli.Folder, "alerts.jsonl")));

        var again = await _cli.RunAsync("alerts", "check", "keel.yaml", "--figures", "figures.json", "--scope", "credit@champion", "--window", "2026-03");
        Assert.Equal(0, again.Exit); // the same window again: de-duplicated, not sent
        Assert.Contains("duplicate", again.Console, StringComparison.Ordinal);

        var list = await _cli.RunAsync("alerts", "list", "--json");
        var alerts = list.Json().GetProperty("alerts");
        Assert.Equal(1, alerts.GetArrayLength());
        Assert.Equal("psi(distance) > 0.2", alerts[0].GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Check_MonitorJsonResult_ReadsItsLastWindowOrTheOneNamed()
    {
        _cli.CopySample("penguins.csv");
        _cli.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\nmonitor: {alerts: [\"rows > 0\"]}\n");
        Assert.Equal(0, (await _cli.RunAsync("run", "keel.yaml")).Exit);
        var monitor = await _cli.RunAsync("monitor", "--model", "penguins", "--data", "penguins.csv", "--window", "200", "--no-store", "--json");
        Assert.True(monitor.Exit == 0, monitor.Error);
        _cli.Write("monitor.json", monitor.Out);

        var last = await _cli.RunAsync("alerts", "check", "keel.yaml", "--figures", "monitor.json", "--scope", "penguins");
        var first = await _cli.RunAsync("alerts", "check", "keel.yaml", "--figures", "monitor.json", "--scope", "other", "--window", "rows 0–199");
        var none = await _cli.RunAsync("alerts", "check", "keel.yaml", "--figures", "monitor.json", "--scope", "penguins", "--window", "rows 5–9");

        Assert.Equal(4, last.Exit);
        Assert.Contains("ALERT penguins: rows > 0 (value 144) in window rows 200–343", last.Error, StringComparison.Ordinal);
        Assert.Equal(4, first.Exit);
        // Another scope: the same rule for penguins would be in its cooldown.
        Assert.Contains("ALERT other: rows > 0 (value 200) in window rows 0–199", first.Error, StringComparison.Ordinal);
        Assert.Equal(1, none.Exit);
        Assert.Contains("--window: monitor.json has no window 'rows 5–9'; its windows: 'rows 0–199', 'rows 200–343'", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NothingHolds_Exit0()
    {
        _cli.Write("keel.yaml", Spec);
        _cli.Write("figures.json", """{"psi(distance)": 0.05}""");
        Assert.Equal(0, (await _cli.RunAsync("alerts", "check", "keel.yaml", "--figures", "figures.json", "--scope", "credit@champion")).Exit);
    }

    [Fact]
    public async Task Check_FigureNotANumber_Exit1NamingFileAndKey()
    {
        _cli.Write("keel.yaml", Spec);
        _cli.Write("figures.json", """{"psi(distance)": "high"}""");
        var r = await _cli.RunAsync("alerts", "check", "keel.yaml", "--figures", "figures.json", "--scope", "x");
        Assert.Equal(1, r.Exit);
        Assert.Contains("figures.json key 'psi(distance)': expected a number", r.Error, StringComparison.Ordinal);
    }
}
