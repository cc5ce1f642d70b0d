using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Tracking;

namespace Keel.Cli.Tests;

/// <summary>`keel deployments`, `keel review` and `keel tokens` against a real store with two registered versions.</summary>
public sealed class DeploymentsCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    private const string File = """
        endpoint: credit
        champion: credit-risk@champion
        challenger: credit-risk:2
        strategy:
          canary: {steps: [5, 50, 100]}
        review: {below_confidence: 0.7}
        """;

    public void Dispose() => _cli.Dispose();

    private async Task<KeelStore> StoreAsync() =>
        await KeelStore.OpenAsync(new StoreOptions { Uri = ".keel", BaseDirectory = _cli.Folder });

    private async Task RegisterTwoVersionsAsync()
    {
        await using var store = await StoreAsync();
        for (var i = 0; i < 2; i++)
            await store.Registry.RegisterAsync(new ModelVersion
            {
                Name = "credit-risk", SourceRunId = new string('r', 32), ModelSha256 = new string((char)('a' + i), 64), Candidate = "lightgbm",
                Task = "binary", SchemaJson = "{}", DataSha256 = new string('d', 64),
            });
        await store.Registry.SetAliasAsync("credit-risk", "champion", 1, "test", null);
    }

    [Fact]
    public async Task ShowAndList_RunningBandit_ShareByRewardsNotTheStored50()
    {
        await RegisterTwoVersionsAsync();
        Assert.Equal(0, (await _cli.RunAsync("deployments", "create", _cli.Write("b.deploy.yaml", "endpoint: b\nchampion: credit-risk@champion\nchallenger: credit-risk:2\nstrategy: bandit\n"))).Exit);
        await using (var store = await StoreAsync())
            await store.Deployments.ChangeStateAsync("b", DeploymentEventKind.Start, new DeploymentState(RolloutPhase.Running, DeploymentMode.Full, 50, 0), "keel serve", null);

        var show = await _cli.RunAsync("deployments", "show", "b");
        var list = await _cli.RunAsync("deployments", "list");

        Assert.Contains("; running, challenger share by rewards, mode full", show.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("50%", show.Console, StringComparison.Ordinal);
        Assert.Contains("by rewards", list.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePromoteRollback_Canary_EveryChangeRecordedWithActorAndReason()
    {
        await RegisterTwoVersionsAsync();
        var path = _cli.Write("keel.deploy.yaml", File);
        var created = await _cli.RunAsync("deployments", "create", path, "--json");
        Assert.Equal(0, created.Exit);
        Assert.Equal("partial", created.Json().GetProperty("deployment").GetProperty("state").GetProperty("mode").GetString());
        Assert.Equal(0, (await _cli.RunAsync("deployments", "promote", "credit")).Exit);
        var back = await _cli.RunAsync("deployments", "rollback", "credit", "--reason", "complaints", "--json");
        Assert.Equal(0, back.Exit);
        Assert.Equal(("rollback", "rolled_back", 0.0), (back.Json().GetProperty("kind").GetString(), back.Json().GetProperty("to").GetProperty("phase").GetString(),
            back.Json().GetProperty("to").GetProperty("challenger_percent").GetDouble()));
        var show = await _cli.RunAsync("deployments", "show", "credit", "--json");
        var history = show.Json().GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(["create", "promote", "rollback"], history.Select(h => h.GetProperty("kind").GetString()));
        Assert.All(history, h => Assert.Equal("keel cli (tester)", h.GetProperty("actor").GetString()));
        Assert.Equal("complaints", history[2].GetProperty("reason").GetString());
        Assert.Contains("canary", show.Json().GetProperty("spec").GetString());
        // What each reference names now: the champion alias version 1, the pinned challenger version 2.
        Assert.Equal((1, 2), (show.Json().GetProperty("champion_version").GetInt32(), show.Json().GetProperty("challenger_version").GetInt32()));
        Assert.Contains("credit-risk@champion (v1) vs credit-risk:2;", (await _cli.RunAsync("deployments", "show", "credit")).Console, StringComparison.Ordinal);
        var again = await _cli.RunAsync("deployments", "rollback", "credit");
        Assert.Equal((1, true), (again.Exit, again.Error.Contains("already rolled back", StringComparison.Ordinal)));
        var list = await _cli.RunAsync("deployments", "list");
        Assert.Contains("credit-risk:2", list.Console);
    }

    [Fact]
    public async Task Start_AfterRollback_NewAttemptAtTheFirstStepRecorded()
    {
        await RegisterTwoVersionsAsync();
        await _cli.RunAsync("deployments", "create", _cli.Write("keel.deploy.yaml", File));
        var early = await _cli.RunAsync("deployments", "start", "credit", "--json");
        Assert.Equal(0, early.Exit);
        Assert.Equal(("running", 5.0), (early.Json().GetProperty("to").GetProperty("phase").GetString(), early.Json().GetProperty("to").GetProperty("challenger_percent").GetDouble()));
        var twice = await _cli.RunAsync("deployments", "start", "credit");
        Assert.Equal((1, true), (twice.Exit, twice.Error.Contains("deployment 'credit' is already running; roll it back before starting again", StringComparison.Ordinal)));
        await _cli.RunAsync("deployments", "promote", "credit");
        await _cli.RunAsync("deployments", "rollback", "credit", "--reason", "guard drill");
        // A changed file (wider guards) is stored with the state kept, and says how to try again.
        var widened = await _cli.RunAsync("deployments", "create", _cli.Write("keel.deploy.yaml", File + "\nguards: {max_p99_ratio: 4}\n"));
        Assert.Contains("credit: file version 2 stored; state kept (rolled_back); restart the server with it (a running one keeps its own file), then " +
            "`keel deployments start credit` begins a new attempt", widened.Console.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));
        var again = await _cli.RunAsync("deployments", "start", "credit", "--reason", "latency guard widened");
        Assert.Equal(0, again.Exit);
        Assert.Contains("credit: start: rolled_back → running, challenger share 5%", again.Console);
        var history = (await _cli.RunAsync("deployments", "show", "credit", "--json")).Json().GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(["create", "start", "promote", "rollback", "update", "start"], history.Select(h => h.GetProperty("kind").GetString()));
        Assert.Equal(("latency guard widened", 0), (history[^1].GetProperty("reason").GetString(), history[^1].GetProperty("to").GetProperty("step").GetInt32()));
    }

    [Fact]
    public async Task Start_NoChallengerOrUnknownDeployment_ExitOneAndNothingRecorded()
    {
        await RegisterTwoVersionsAsync();
        await _cli.RunAsync("deployments", "create", _cli.Write("plain.yaml", "endpoint: plain\nchampion: credit-risk@champion\n"));
        var r = await _cli.RunAsync("deployments", "start", "plain");
        Assert.Equal((1, true), (r.Exit, r.Error.Contains("deployment 'plain' has no challenger to roll out", StringComparison.Ordinal)));
        var missing = await _cli.RunAsync("deployments", "start", "nope");
        Assert.Equal((1, true), (missing.Exit, missing.Error.Contains("no deployment called 'nope'", StringComparison.Ordinal)));
        await using var store = await StoreAsync();
        Assert.Equal([DeploymentEventKind.Create], (await store.Deployments.GetHistoryAsync("plain")).Select(e => e.Kind));
    }

    [Fact]
    public async Task Create_ChangedFile_NewFileVersionStateKept()
    {
        await RegisterTwoVersionsAsync();
        var path = _cli.Write("keel.deploy.yaml", File);
        await _cli.RunAsync("deployments", "create", path);
        await _cli.RunAsync("deployments", "promote", "credit");
        _cli.Write("keel.deploy.yaml", File + "\npost_processing:\n  - override: \"Income < 10 -> bad\"\n");
        var r = await _cli.RunAsync("deployments", "create", path, "--json");
        var d = r.Json().GetProperty("deployment");
        Assert.Equal((2, "promoted"), (d.GetProperty("spec_version").GetInt32(), d.GetProperty("state").GetProperty("phase").GetString()));
    }

    [Fact]
    public async Task Create_UnknownAlias_ExitOneNamingFileFieldAndAliasesAndNothingStored()
    {
        await RegisterTwoVersionsAsync();
        var path = _cli.Write("keel.deploy.yaml", File.Replace("credit-risk@champion", "credit-risk@champ", StringComparison.Ordinal));
        var r = await _cli.RunAsync("deployments", "create", path);
        Assert.Equal(1, r.Exit);
        Assert.Contains("keel.deploy.yaml, field 'champion': model 'credit-risk' has no alias 'champ'; its aliases: champion", r.Error);
        await using var store = await StoreAsync();
        Assert.Empty(await store.Deployments.ListAsync());
    }

    [Fact]
    public async Task Create_BadFile_ExitOneNamingLineAndField()
    {
        var path = _cli.Write("keel.deploy.yaml", "endpoint: credit\nchampion: credit-risk@champion\nchallenger: credit-risk:2\nstrategy:\n  canary: {steps: [5, 50]}\n");
        var r = await _cli.RunAsync("deployments", "create", path);
        Assert.Equal(1, r.Exit);
        Assert.Contains("keel.deploy.yaml line 5, field 'strategy.canary.steps[1]': expected the last step to be 100", r.Error);
    }

    [Fact]
    public async Task ReviewListLabel_QueuedAnswer_LabelBecomesFeedback()
    {
        await RegisterTwoVersionsAsync();
        await _cli.RunAsync("deployments", "create", _cli.Write("keel.deploy.yaml", File));
        long id;
        const string answer = """{"label":"good","probabilities":{"good":0.55,"bad":0.45},"needs_review":true}""";
        await using (var store = await StoreAsync())
        {
            // The second row of a two-row request, as the server queues it and logs the request.
            id = (await store.Deployments.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-42", """{"Income":5}""", answer, 0.55, DateTimeOffset.UtcNow) { Row = 1, RequestRows = 2 })).Id;
            await using var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenAsync(store);
            await log.AppendAsync([new Keel.Core.PredictionLog.PredictionRecord
            {
                RequestId = "req-42", Time = DateTimeOffset.UtcNow, Model = "credit-risk", Version = 1, Arm = "champion", Endpoint = "invocations", Rows = 2,
                InputsJson = """[{"Income":50},{"Income":5}]""", OutputsJson = $"[{answer},{answer}]",
            }]);
        }
        var list = await _cli.RunAsync("review", "list", "--deployment", "credit", "--json");
        Assert.Equal("req-42", list.Json().GetProperty("items")[0].GetProperty("request_id").GetString());
        var purple = await _cli.RunAsync("review", "label", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "purple");
        Assert.Equal(1, purple.Exit);
        Assert.Contains("label 'purple': expected one of the model's classes: good, bad", purple.Error);
        var label = await _cli.RunAsync("review", "label", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "bad", "--json");
        Assert.Equal(0, label.Exit);
        Assert.Equal(("req-42", "bad", "review"), (label.Json().GetProperty("request_id").GetString(), label.Json().GetProperty("outcome").GetString(), label.Json().GetProperty("source").GetString()));
        // Monitoring reads the prediction log: the label reached it as the outcome of the request's second row.
        Assert.Equal("""[null,"bad"]""", label.Json().GetProperty("logged_outcome").GetString());
        await using (var store = await StoreAsync())
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenAsync(store))
            Assert.Equal("""[null,"bad"]""", (await log.GetAsync("req-42"))!.Feedback[^1].OutcomeJson);
        Assert.Contains("Nothing to review", (await _cli.RunAsync("review", "list")).Console);
    }

    [Fact]
    public async Task ReviewList_MoreWaitingThanTheLimit_SaysHowManyWait()
    {
        await RegisterTwoVersionsAsync();
        await _cli.RunAsync("deployments", "create", _cli.Write("keel.deploy.yaml", File));
        await using (var store = await StoreAsync())
            for (var i = 0; i < 3; i++) await store.Deployments.EnqueueReviewAsync(new ReviewItem(0, "credit", $"req-{i}", "{}", "{}", 0.5, DateTimeOffset.UtcNow));
        var two = await _cli.RunAsync("review", "list", "--limit", "2");
        Assert.Contains("The 2 oldest of 3 waiting; --limit N shows more.", two.Console);
        Assert.Equal(3, (await _cli.RunAsync("review", "list", "--limit", "2", "--json")).Json().GetProperty("total").GetInt64());
        Assert.DoesNotContain("oldest of", (await _cli.RunAsync("review", "list", "--limit", "3")).Console);
    }

    [Fact]
    public async Task TokensCreateRevoke_TokenVerifiesThenRefused()
    {
        var created = await _cli.RunAsync("tokens", "create", "feedback-service", "--json");
        var token = created.Json().GetProperty("token").GetString();
        var id = created.Json().GetProperty("id").GetString()!;
        await using (var store = await StoreAsync()) Assert.True(await store.Deployments.VerifyTokenAsync(token));
        Assert.DoesNotContain(token!, (await _cli.RunAsync("tokens", "list", "--json")).Out);
        Assert.Equal(0, (await _cli.RunAsync("tokens", "revoke", id)).Exit);
        await using (var store = await StoreAsync()) Assert.False(await store.Deployments.VerifyTokenAsync(token));
    }
}
