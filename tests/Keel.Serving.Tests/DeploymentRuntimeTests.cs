using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Tracking.PredictionLog;

namespace Keel.Serving.Tests;

/// <summary>
/// A served deployment at run time, over a real Kestrel on 127.0.0.1 and the real store: state changed in the store (as `keel deployments`
/// or another replica do) is followed, routing keys from input fields, guards on a slow challenger, per-arm metrics.
/// </summary>
[Collection(ServedModelCollection.Name)]
public sealed class DeploymentRuntimeTests(ServedModelFixture fixture) : DeploymentTestBase(fixture)
{
    [Fact]
    public async Task StoreChange_PromoteAndRollbackWhileServing_TrafficFollowsWithoutFailedRequests()
    {
        const string yaml = """
            endpoint: bg-follow
            champion: credit-risk@champion
            challenger: credit-risk@next
            strategy: blue_green
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        await F.Store.Registry.SetAliasAsync("credit-risk", "next", F.Champion.Version, "tester", null);
        await using var server = await ServeAsync(yaml);
        // The challenger's alias moves after start: the next adopted state resolves it again (one pair per adoption).
        var moved = await F.Store.Registry.RegisterAsync(F.Champion);
        await F.Store.Registry.SetAliasAsync("credit-risk", "next", moved.Version, "tester", null);
        using var client = new HttpClient { BaseAddress = server.Address };
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(HttpStatusCode Status, string Arm, string Version)>();
        using var stop = new CancellationTokenSource();
        async Task Load()
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var r = await PostAsync(client, i);
                seen.Enqueue((r.StatusCode, r.StatusCode == HttpStatusCode.OK ? Arm(r) : "", r.StatusCode == HttpStatusCode.OK ? r.Headers.GetValues("Keel-Model-Version").Single() : ""));
            }
        }
        var load = Enumerable.Range(0, 3).Select(_ => Task.Run(Load)).ToArray();
        while (seen.Count < 20) await Task.Delay(10);
        Assert.All(seen, s => Assert.Equal("champion", s.Arm));

        await ChangeInStoreAsync("bg-follow", DeploymentEventKind.Promote, s => s with { Phase = RolloutPhase.Promoted, ChallengerPercent = 100 }, "looks good");
        await UntilAsync(async () =>
        {
            using var r = await PostAsync(client, 3);
            return Arm(r) == "challenger";
        });
        using (var promoted = await PostAsync(client, 4))
        {
            Assert.Equal("challenger", Arm(promoted));
            Assert.Equal(moved.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), promoted.Headers.GetValues("Keel-Model-Version").Single());
        }

        await ChangeInStoreAsync("bg-follow", DeploymentEventKind.Rollback, s => s with { Phase = RolloutPhase.RolledBack, ChallengerPercent = 0 }, "manual rollback");
        await UntilAsync(async () =>
        {
            using var r = await PostAsync(client, 5);
            return Arm(r) == "champion";
        });
        var count = seen.Count;
        while (seen.Count < count + 20) await Task.Delay(10);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var all = seen.ToArray();
        Assert.All(all, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.Contains(all, s => s.Arm == "challenger");
        Assert.Equal("champion", all[^1].Arm);
        var history = await F.Store.Deployments.GetHistoryAsync("bg-follow");
        Assert.Equal([DeploymentEventKind.Create, DeploymentEventKind.Start, DeploymentEventKind.Promote, DeploymentEventKind.Rollback], history.Select(e => e.Kind));
    }

    [Fact]
    public async Task StoreChange_ChallengerAliasMovedDuringAnAbTest_TheTestStartsAgain()
    {
        const string yaml = """
            endpoint: ab-moved
            champion: credit-risk@champion
            challenger: credit-risk@trial
            strategy: {ab: {split: 50}}
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        await F.Store.Registry.SetAliasAsync("credit-risk", "trial", F.Champion.Version, "tester", null);
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        async Task<JsonElement> Ab()
        {
            using var r = await client.GetAsync("admin/deployments/ab-moved");
            return (await ServedModelFixture.JsonAsync(r)).GetProperty("report").GetProperty("ab");
        }
        var answered = new Dictionary<string, int> { ["champion"] = 0, ["challenger"] = 0 };
        string? late = null;
        for (var i = 0; i < 40; i++)
        {
            using var r = await PostAsync(client, i, "user-" + i);
            var id = r.Headers.GetValues("Keel-Request-Id").Single();
            // One challenger answer's feedback comes only after the alias moved.
            if (Arm(r) == "challenger" && late is null)
            {
                late = id;
                continue;
            }
            answered[Arm(r)]++;
            using var fb = await ServedModelFixture.PostAsync(client, "feedback", $$"""{"request_id":"{{id}}","outcome":"1"}""");
            Assert.Equal(HttpStatusCode.OK, fb.StatusCode);
        }
        Assert.Equal(answered["challenger"], (await Ab()).GetProperty("challenger").GetProperty("count").GetInt64());

        // Another version becomes the trial; the server resolves the alias again when it next adopts a state from the store.
        var next = await F.Store.Registry.RegisterAsync(F.Champion);
        await F.Store.Registry.SetAliasAsync("credit-risk", "trial", next.Version, "tester", null);
        await ChangeInStoreAsync("ab-moved", DeploymentEventKind.Mode, s => s with { Mode = DeploymentMode.Assist }, "reviewers in");
        Assert.True(answered["champion"] > 0);
        await UntilAsync(async () => (await Ab()).GetProperty("champion").GetProperty("count").GetInt64() == 0);
        // The outcome of an answer the replaced version gave is stored, but credited to no arm: it says nothing of the new version.
        using (var fb = await ServedModelFixture.PostAsync(client, "feedback", $$"""{"request_id":"{{late}}","outcome":"1"}"""))
            Assert.Equal(System.Text.Json.JsonValueKind.Null, (await ServedModelFixture.JsonAsync(fb)).GetProperty("arm").ValueKind);

        Assert.Equal((0L, 0L), ((await Ab()).GetProperty("champion").GetProperty("count").GetInt64(), (await Ab()).GetProperty("challenger").GetProperty("count").GetInt64()));
    }

    [Fact]
    public async Task Restart_AbChallengerAliasMovedWhileDown_OnlyOutcomesSinceTheMoveAreReadAgain()
    {
        const string yaml = """
            endpoint: ab-down
            champion: credit-risk@champion
            challenger: credit-risk@later
            strategy: {ab: {split: 50}}
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        var logPath = Path.Combine(F.Folder, "ab-down-predictions.db");
        await F.Store.Registry.SetAliasAsync("credit-risk", "later", F.Champion.Version, "tester", null);
        await (await ServeAsync(yaml, logPath)).DisposeAsync(); // created and started
        var started = (await F.Store.Deployments.GetHistoryAsync("ab-down")).Last(e => e.Kind == DeploymentEventKind.Start).At;
        // Ten answers of each arm after the start, every outcome a success; then the alias moves to another version; then two more champion answers.
        async Task LogAsync(DateTimeOffset at, string prefix, int n, Func<int, string> arm)
        {
            await using var log = await PredictionLogStores.OpenSqliteAsync(logPath);
            await log.AppendAsync(Enumerable.Range(0, n).Select(i => new Keel.Core.PredictionLog.PredictionRecord
            {
                RequestId = $"{prefix}{i}", Time = at.AddMilliseconds(i), Model = "credit-risk", Version = F.Champion.Version, Arm = arm(i), Endpoint = "invocations",
                Deployment = "ab-down", LatencyMs = 1, Rows = 1, InputsJson = "[{}]", OutputsJson = """[{"label":"good","probabilities":{"bad":0.1,"good":0.9}}]""",
            }).ToList());
            foreach (var i in Enumerable.Range(0, n)) await log.AddFeedbackAsync(new($"{prefix}{i}", "\"1\"", at.AddMinutes(1)));
        }
        await LogAsync(started.AddMilliseconds(1), "before", 20, i => i % 2 == 0 ? "champion" : "challenger");
        await Task.Delay(50);
        var moved = await F.Store.Registry.SetAliasAsync("credit-risk", "later", (await F.Store.Registry.RegisterAsync(F.Champion)).Version, "tester", null);
        await LogAsync(moved.At.AddMilliseconds(1), "after", 2, _ => "champion");

        await using var server = await ServeAsync(yaml, logPath);
        using var client = new HttpClient { BaseAddress = server.Address };
        using var r = await client.GetAsync("admin/deployments/ab-down");
        var ab = (await ServedModelFixture.JsonAsync(r)).GetProperty("report").GetProperty("ab");

        // The test compares the arms over the same time: what the champion answered before the move does not count, nor does the old version.
        Assert.Equal((2L, 0L), (ab.GetProperty("champion").GetProperty("count").GetInt64(), ab.GetProperty("challenger").GetProperty("count").GetInt64()));
    }

    [Fact]
    public async Task AdminPromote_OnOneReplica_TheOtherReplicaFollowsFromTheStore()
    {
        const string yaml = """
            endpoint: replicas
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            strategy: blue_green
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        await using var a = await ServeAsync(yaml);
        await using var b = await ServeAsync(yaml);
        using var clientA = new HttpClient { BaseAddress = a.Address };
        using var clientB = new HttpClient { BaseAddress = b.Address };
        using (var r = await PostAsync(clientB, 1)) Assert.Equal("champion", Arm(r));
        using (var promote = await ServedModelFixture.PostAsync(clientA, "admin/deployments/replicas/promote", """{"reason":"replica drill"}"""))
            Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        // The replica that was asked routes by the new state at once; the other one at its next poll of the store.
        using (var r = await PostAsync(clientA, 2)) Assert.Equal("challenger", Arm(r));
        await UntilAsync(async () =>
        {
            using var r = await PostAsync(clientB, 3);
            return Arm(r) == "challenger";
        });
        var history = await F.Store.Deployments.GetHistoryAsync("replicas");
        Assert.Equal([DeploymentEventKind.Create, DeploymentEventKind.Start, DeploymentEventKind.Promote], history.Select(e => e.Kind));
        Assert.Equal(("loopback (admin api)", "replica drill"), (history[^1].Actor, history[^1].Reason));
    }

    /// <summary>A canary whose one step gives the challenger every request, with no latency or score guard to roll it back.</summary>
    private static string AllToTheChallenger(string endpoint) => $"endpoint: {endpoint}\n" + """
        champion: credit-risk@champion
        challenger: credit-risk@challenger
        strategy: {canary: {steps: [100], advance_after: {requests: 100000}}}
        guards: {max_p99_ratio: off, max_score_shift: off}
        """;

    [Fact]
    public async Task AdminStart_AfterRollback_ChallengerAnswersAgainAndTheAttemptIsRecorded()
    {
        await using var server = await ServeAsync(AllToTheChallenger("restart"));
        using var client = new HttpClient { BaseAddress = server.Address };
        using (var running = await ServedModelFixture.PostAsync(client, "admin/deployments/restart/start", "{}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
            Assert.Contains("already running; roll it back before starting again", await running.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var back = await ServedModelFixture.PostAsync(client, "admin/deployments/restart/rollback", """{"reason":"drill"}"""))
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        using (var r = await PostAsync(client, 1)) Assert.Equal("champion", Arm(r));
        using (var start = await ServedModelFixture.PostAsync(client, "admin/deployments/restart/start", """{"reason":"second attempt"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
            Assert.Contains("\"phase\":\"running\"", await start.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var r = await PostAsync(client, 2)) Assert.Equal("challenger", Arm(r));
        await UntilAsync(async () => (await F.Store.Deployments.GetHistoryAsync("restart")).Count == 4);
        var history = await F.Store.Deployments.GetHistoryAsync("restart");
        Assert.Equal([DeploymentEventKind.Create, DeploymentEventKind.Start, DeploymentEventKind.Rollback, DeploymentEventKind.Start], history.Select(e => e.Kind));
        Assert.Equal(("loopback (admin api)", "second attempt"), (history[^1].Actor, history[^1].Reason));
    }

    [Fact]
    public async Task ReArmedInTheStore_AsKeelRetrainDoes_TheRunningServerStartsTheRolloutAgain()
    {
        await using var server = await ServeAsync(AllToTheChallenger("rearm"));
        using var client = new HttpClient { BaseAddress = server.Address };
        using (var back = await ServedModelFixture.PostAsync(client, "admin/deployments/rearm/rollback", """{"reason":"drill"}"""))
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        await UntilAsync(async () => (await F.Store.Deployments.GetAsync("rearm"))!.State.Phase == RolloutPhase.RolledBack);
        // `keel retrain --deployment` registers a new challenger version and moves a finished deployment back to created.
        var stored = (await F.Store.Deployments.GetAsync("rearm"))!;
        await F.Store.Deployments.ChangeStateAsync("rearm", DeploymentEventKind.Start, stored.State with { Phase = RolloutPhase.Created, ChallengerPercent = 0, Step = 0 },
            "keel retrain (tester)", "challenger credit-risk@challenger is now credit-risk:2");
        await UntilAsync(async () =>
        {
            using var r = await PostAsync(client, 4);
            return Arm(r) == "challenger";
        });
        await UntilAsync(async () => (await F.Store.Deployments.GetAsync("rearm"))!.State.Phase == RolloutPhase.Running);
        var history = await F.Store.Deployments.GetHistoryAsync("rearm");
        Assert.Equal(("keel serve", RolloutPhase.Created, RolloutPhase.Running), (history[^1].Actor, history[^1].From!.Phase, history[^1].To.Phase));
    }

    [Fact]
    public async Task ServeDeployment_RoutingKeyField_SplitsWithinToleranceAndStaysSticky()
    {
        const string yaml = """
            endpoint: canary-field
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            routing_key: {field: customer_id}
            strategy:
              canary:
                steps: [30, 100]
                advance_after: {requests: 100000}
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        var lines = F.CsvRows(Enumerable.Range(0, 40)).TrimEnd('\n').Split('\n');
        async Task<string> Ask(int row, string customer, bool json)
        {
            using var content = json
                ? new StringContent(JsonSerializer.Serialize(new { dataframe_split = new { columns = Fields(lines[0]).Append("customer_id"), data = new[] { Fields(lines[1 + row]).Cast<object>().Append(customer) } } }),
                    Encoding.UTF8, "application/json")
                : new StringContent($"{lines[0]},customer_id\n{lines[1 + row]},{customer}\n", Encoding.UTF8, "text/csv");
            using var r = await client.PostAsync("invocations", content);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return Arm(r);
        }
        var arms = new Dictionary<string, string>();
        for (var i = 0; i < 400; i++) arms["c-" + i] = await Ask(i % 40, "c-" + i, json: false);
        Assert.InRange(arms.Values.Count(a => a == "challenger") / 400.0, 0.22, 0.38);
        var metrics = await client.GetStringAsync("metrics");
        foreach (var arm in new[] { "champion", "challenger" })
        {
            Assert.Contains($"keel_requests_total{{model=\"credit-risk\",version=\"{F.Champion.Version}\",arm=\"{arm}\",endpoint=\"invocations\",code=\"200\"}} {arms.Values.Count(a => a == arm)}", metrics, StringComparison.Ordinal);
            Assert.Contains($"keel_request_duration_seconds_count{{model=\"credit-risk\",version=\"{F.Champion.Version}\",arm=\"{arm}\"}} {arms.Values.Count(a => a == arm)}", metrics, StringComparison.Ordinal);
        }
        // The same customer, another row and another body shape (JSON with numbers as strings): the same arm.
        for (var i = 0; i < 60; i++) Assert.Equal(arms["c-" + i], await Ask((i + 7) % 40, "c-" + i, json: true));
    }

    [Fact]
    public async Task ServeDeployment_ChallengerSlow_RolledBackByTheLatencyGuard()
    {
        const string yaml = """
            endpoint: canary-slow
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            routing_key: {header: X-Customer-Id}
            strategy:
              canary:
                steps: [50, 100]
                advance_after: {requests: 100000}
            guards: {max_p99_latency_ms: 20, max_p99_ratio: off, max_score_shift: off, window: 40, min_requests: 10}
            """;
        // The fault hook makes the challenger slow (a drill): 40 ms per prediction. The p99 guards judge a full window of 40.
        await using var server = await ServeAsync(yaml, fault: arm =>
        {
            if (arm == "challenger") Thread.Sleep(40);
        });
        using var client = new HttpClient { BaseAddress = server.Address };
        for (var i = 0; i < 120; i++)
        {
            using var r = await PostAsync(client, i, "u-" + i);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        DeploymentEvent? rollback = null;
        await UntilAsync(async () =>
        {
            rollback = (await F.Store.Deployments.GetHistoryAsync("canary-slow")).FirstOrDefault(e => e.Kind == DeploymentEventKind.Rollback);
            return rollback is not null;
        });
        Assert.Contains("p99 latency", rollback!.Reason, StringComparison.Ordinal);
        Assert.Equal("rollout", rollback.Actor);
        for (var i = 0; i < 20; i++)
        {
            using var r = await PostAsync(client, i, "u-" + i);
            Assert.Equal("champion", Arm(r));
        }
    }

    [Fact]
    public async Task Metrics_DeploymentWithShadow_CountsRequestsAndLatencyPerArm()
    {
        const string yaml = """
            endpoint: metrics-arms
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            strategy: shadow
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        for (var i = 0; i < 10; i++)
        {
            using var r = await PostAsync(client, i);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var bad = await ServedModelFixture.PostAsync(client, "invocations", "{\"dataframe_records\": [{\"Income\": \"lots\"}]}"))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var version = F.Champion.Version;
        string text = "";
        await UntilAsync(async () =>
        {
            text = await client.GetStringAsync("metrics");
            return text.Contains($"keel_requests_total{{model=\"credit-risk\",version=\"{version}\",arm=\"shadow\",endpoint=\"invocations\",code=\"200\"}} 10", StringComparison.Ordinal);
        });
        Assert.Contains($"keel_requests_total{{model=\"credit-risk\",version=\"{version}\",arm=\"champion\",endpoint=\"invocations\",code=\"200\"}} 10", text, StringComparison.Ordinal);
        Assert.Contains($"keel_request_duration_seconds_count{{model=\"credit-risk\",version=\"{version}\",arm=\"shadow\"}} 10", text, StringComparison.Ordinal);
        Assert.Contains($"keel_request_errors_total{{model=\"credit-risk\",version=\"{version}\",arm=\"champion\",code=\"400\"}} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shadow_QueueFull_DropsCopiesCountedAndAnswersEveryRequest()
    {
        const string yaml = """
            endpoint: shadow-full
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            strategy: shadow
            """;
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        void Hold(string arm)
        {
            if (arm != "shadow") return;
            entered.Set();
            release.Wait(TimeSpan.FromMinutes(2)); // the shadow worker holds its first batch until the queue has overflowed
        }
        await using var server = await DeploymentTesting.ServeAsync(F, yaml, null,
            d => d with { StatePollInterval = Poll, BeforePredict = Hold, MaxShadowInFlight = 4, ShadowBusyShare = 1 });
        using var client = new HttpClient { BaseAddress = server.Address };
        using (var first = await PostAsync(client, 0)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(entered.Wait(TimeSpan.FromMinutes(1)));
        for (var i = 1; i <= 10; i++)
        {
            using var r = await PostAsync(client, i);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("champion", Arm(r));
        }
        // 1 copy being scored, 4 queued, 6 dropped: counted, never failed.
        Assert.Contains("keel_shadow_dropped_total 6\n", await client.GetStringAsync("metrics"), StringComparison.Ordinal);
        release.Set();
        JsonElement agreement = default;
        await UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await client.GetStringAsync("admin/deployments/shadow-full"));
            agreement = doc.RootElement.GetProperty("report").GetProperty("agreement").Clone();
            return agreement.GetProperty("pairs").GetInt64() == 5;
        });
        Assert.Equal(6, agreement.GetProperty("dropped").GetInt64());
        // The challenger is the champion's version here, so the batched shadow answers equal the answers given one at a time.
        Assert.Equal(1.0, agreement.GetProperty("label_agreement_rate").GetDouble());
        Assert.Equal(0.0, agreement.GetProperty("max_score_difference").GetDouble());
        var text = await client.GetStringAsync("metrics");
        Assert.Contains($"keel_requests_total{{model=\"credit-risk\",version=\"{F.Champion.Version}\",arm=\"shadow\",endpoint=\"invocations\",code=\"200\"}} 5\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("arm=\"shadow\",code=\"500\"", text, StringComparison.Ordinal);
    }
}
