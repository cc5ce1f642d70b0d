using Keel.Core.PredictionLog;

namespace Keel.Cli.Tests;

/// <summary>`keel deployments export`: a deployment's prediction log joined with its feedback, written as a labelled table.</summary>
public sealed class DeploymentsExportTests
{
    private static readonly DateTimeOffset Day = new(2024, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private const string Answer = """{"label":"no","probabilities":{"no":0.8,"yes":0.2}}""";

    /// <summary>Logs three requests: r1 of three rows (outcomes for rows 0 and 2), r2 of one row (outcome "YES"), r3 without feedback.</summary>
    private static async Task<CliHarness> LoggedAsync(string? outcome2 = "\"YES\"")
    {
        var h = await MonitorDeploymentTests.DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        static string Row(int amount, string channel) => $$"""{"amount":{{amount}},"age":40,"channel":"{{channel}}","country":"NO"}""";
        await using var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db"));
        PredictionRecord Request(string id, int minute, string[] rows) => new()
        {
            RequestId = id, Time = Day.AddMinutes(minute), Model = "shop", Version = 1, Arm = "champion", Endpoint = "invocations", Deployment = "shop",
            LatencyMs = 1, Rows = rows.Length, InputsJson = $"[{string.Join(",", rows)}]", OutputsJson = $"[{string.Join(",", rows.Select(_ => Answer))}]",
        };
        await log.AppendAsync([Request("r1", 0, [Row(10, "web"), Row(20, "app, mobile"), Row(30, "web")]), Request("r2", 1, [Row(40, "app")]), Request("r3", 2, [Row(50, "web")])]);
        await log.AddFeedbackAsync(new("r1", """["yes",null,"no"]""", Day.AddDays(1)));
        if (outcome2 is not null) await log.AddFeedbackAsync(new("r2", outcome2, Day.AddDays(1)));
        return h;
    }

    [Fact]
    public async Task Export_Csv_LabelledRowsWithTheModelsLabelColumnAndClassNames()
    {
        using var h = await LoggedAsync();

        var r = await h.RunAsync("deployments", "export", "shop", "--output", "prod.csv", "--time-column", "served_at");

        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains("Wrote 3 row(s) of 2 logged request(s), 3 labelled (column churn)", r.Console, StringComparison.Ordinal);
        Assert.Equal([
            "amount,age,channel,country,churn,served_at",
            "10,40,web,NO,yes,2024-02-01T08:00:00.000Z",
            "30,40,web,NO,no,2024-02-01T08:00:00.000Z",
            "40,40,app,NO,yes,2024-02-01T08:01:00.000Z",
        ], File.ReadAllLines(Path.Combine(h.Folder, "prod.csv")));
    }

    [Fact]
    public async Task Export_AllAsJsonLines_UnlabelledRowsWithANullLabel()
    {
        using var h = await LoggedAsync();

        var r = await h.RunAsync("deployments", "export", "shop", "--output", "prod.jsonl", "--rows", "all", "--label", "outcome", "--json");

        Assert.True(r.Exit == 0, r.Error);
        Assert.Equal((5, 3), (r.Json().GetProperty("rows").GetInt32(), r.Json().GetProperty("labelled").GetInt32()));
        var lines = File.ReadAllLines(Path.Combine(h.Folder, "prod.jsonl"));
        Assert.Equal("""{"amount":20,"age":40,"channel":"app, mobile","country":"NO","outcome":null}""", lines[1]);
        Assert.Equal("""{"amount":50,"age":40,"channel":"web","country":"NO","outcome":null}""", lines[4]);
    }

    [Fact]
    public async Task Export_OutcomeNotAClass_Exit1NamingTheRequestAndNoFileLeft()
    {
        using var h = await LoggedAsync("\"maybe\"");

        var r = await h.RunAsync("deployments", "export", "shop", "--output", "prod.csv");

        Assert.Equal(1, r.Exit);
        Assert.Contains("prediction log request 'r2': outcome 'maybe' is not one of the model's classes; expected one of: no, yes", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(h.Folder, "prod.csv")));
        Assert.False(File.Exists(Path.Combine(h.Folder, "prod.csv.part")));
    }

    [Fact]
    public async Task Export_Unlabelled_ThePoolWaitingForOutcomes()
    {
        using var h = await LoggedAsync();

        var r = await h.RunAsync("deployments", "export", "shop", "--output", "pool.csv", "--rows", "unlabelled");

        Assert.True(r.Exit == 0, r.Error);
        Assert.Equal(["amount,age,channel,country,churn", "20,40,\"app, mobile\",NO,", "50,40,web,NO,"], File.ReadAllLines(Path.Combine(h.Folder, "pool.csv")));
    }

    [Theory]
    [InlineData("--rows", "some", "--rows 'some': expected labelled, unlabelled or all")]
    [InlineData("--label", "amount", "--label amount: the logged requests already have a field of that name")]
    [InlineData("--time-column", "age", "--time-column age: the logged requests already have a field of that name")]
    [InlineData("--arm", "both", "--arm 'both': expected champion or challenger")]
    public async Task Export_BadOption_Exit1SayingWhy(string option, string value, string expected)
    {
        using var h = await LoggedAsync();

        var r = await h.RunAsync("deployments", "export", "shop", "--output", "prod.csv", option, value);

        Assert.Equal(1, r.Exit);
        Assert.Contains(expected, r.Error, StringComparison.Ordinal);
    }
}
