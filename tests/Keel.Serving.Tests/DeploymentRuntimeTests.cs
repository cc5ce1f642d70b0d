using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Serving.Hosting;
using Keel.Serving.Rollouts;
using Keel.Tracking.PredictionLog;

namespace Keel.Serving.Tests;

/// <summary>
/// A served deployment at run time, over a real Kestrel on 127.0.0.1 and the real store: state changed in the store (as `keel deployments`
/// does) is followed, routing keys from input fields, post-processing and the review queue, modes, feedback reaching A/B and bandit policies.
/// </summary>
[Collection(ServedModelCollection.Name)]
public sealed class DeploymentRuntimeTests(ServedModelFixture f)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    private Task<ServingHost> ServeAsync(string yaml, string? logPath = null, Action<string>? fault = null) =>
        DeploymentTesting.ServeAsync(f, yaml, logPath, d => d with { StatePollInterval = Poll, BeforePredict = fault });

    /// <summary>The fields of a credit_data line (quoted strings, no commas inside).</summary>
    private static string[] Fields(string line) => line.Split(',').Select(x => x.Trim('"')).ToArray();

    private static string Arm(HttpResponseMessage r) => DeploymentTesting.Arm(r);

    private Task<HttpResponseMessage> PostAsync(HttpClient client, int row, string? key = null) => DeploymentTesting.PostRowAsync(f, client, row, key);

    /// <summary>Advances the fake clock by the poll interval until <paramref name="done"/> holds (a wait, not a timing assertion).</summary>
    private async Task UntilAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (await done()) return;
            f.Clock.Advance(Poll);
            await Task.Delay(10);
        }
        Assert.Fail("the condition did not come true");
    }

    /// <summary>As `keel deployments promote|rollback|mode` do: a state change written to the store by another process.</summary>
    private async Task ChangeInStoreAsync(string name, DeploymentEventKind kind, Func<DeploymentState, DeploymentState> to, string? reason = null)
    {
        var d = (await f.Store.Deployments.GetAsync(name))!;
        await f.Store.Deployments.ChangeStateAsync(name, kind, to(d.State), "keel cli (tester)", reason);
    }

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
        await f.Store.Registry.SetAliasAsync("credit-risk", "next", f.Champion.Version, "tester", null);
        await using var server = await ServeAsync(yaml);
        // The challenger's alias moves after start: the next adopted state resolves it again (one pair per adoption).
        var moved = await f.Store.Registry.RegisterAsync(f.Champion);
        await f.Store.Registry.SetAliasAsync("credit-risk", "next", moved.Version, "tester", null);
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
        var history = await f.Store.Deployments.GetHistoryAsync("bg-follow");
        Assert.Equal([DeploymentEventKind.Create, DeploymentEventKind.Start, DeploymentEventKind.Promote, DeploymentEventKind.Rollback], history.Select(e => e.Kind));
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
        var history = await f.Store.Deployments.GetHistoryAsync("replicas");
        Assert.Equal([DeploymentEventKind.Create, DeploymentEventKind.Start, DeploymentEventKind.Promote], history.Select(e => e.Kind));
        Assert.Equal(("loopback (admin api)", "replica drill"), (history[^1].Actor, history[^1].Reason));
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
        var lines = f.CsvRows(Enumerable.Range(0, 40)).TrimEnd('\n').Split('\n');
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
            Assert.Contains($"keel_requests_total{{model=\"credit-risk\",version=\"{f.Champion.Version}\",arm=\"{arm}\",endpoint=\"invocations\",code=\"200\"}} {arms.Values.Count(a => a == arm)}", metrics, StringComparison.Ordinal);
            Assert.Contains($"keel_request_duration_seconds_count{{model=\"credit-risk\",version=\"{f.Champion.Version}\",arm=\"{arm}\"}} {arms.Values.Count(a => a == arm)}", metrics, StringComparison.Ordinal);
        }
        // The same customer, another row and another body shape (JSON with numbers as strings): the same arm.
        for (var i = 0; i < 60; i++) Assert.Equal(arms["c-" + i], await Ask((i + 7) % 40, "c-" + i, json: true));
    }

    [Fact]
    public async Task ServeDeployment_OipV2WithFieldKeyInAssistMode_StickyAndEveryRowNeedsReview()
    {
        const string yaml = """
            endpoint: oip-assist
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            routing_key: {field: customer_id}
            strategy:
              canary:
                steps: [50, 100]
                advance_after: {requests: 100000}
            guards: {max_p99_ratio: off, max_score_shift: off}
            mode: assist
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        var lines = File.ReadAllLines(f.CsvPath);
        var header = Fields(lines[0]);
        async Task<(string Arm, JsonElement Body)> Infer(int row, string customer)
        {
            var values = Fields(lines[1 + row]);
            var inputs = header.Skip(1).Select((name, i) => double.TryParse(values[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var x)
                    ? (object)new { name, shape = new[] { 1 }, datatype = "FP64", data = new[] { x } }
                    : new { name, shape = new[] { 1 }, datatype = "BYTES", data = new[] { values[i + 1] } })
                .Append(new { name = "customer_id", shape = new[] { 1 }, datatype = "BYTES", data = new[] { customer } });
            using var r = await ServedModelFixture.PostAsync(client, "v2/models/oip-assist/infer", JsonSerializer.Serialize(new { inputs }));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return (Arm(r), await ServedModelFixture.JsonAsync(r));
        }
        var arms = new List<string>();
        for (var c = 0; c < 20; c++)
        {
            var (arm, body) = await Infer(c, "cust-" + c);
            var review = body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "needs_review");
            Assert.Equal([true], review.GetProperty("data").EnumerateArray().Select(d => d.GetBoolean()));
            for (var again = 1; again < 4; again++) Assert.Equal(arm, (await Infer(c + again * 20, "cust-" + c)).Arm);
            arms.Add(arm);
        }
        Assert.Contains("champion", arms);
        Assert.Contains("challenger", arms);
    }

    [Fact]
    public async Task ServeDeployment_PostProcessingAndReview_AnswersMarkedLoggedQueuedAndLabelsBecomeFeedback()
    {
        const string yaml = """
            endpoint: hitl
            champion: credit-risk@champion
            review: {below_confidence: 0.9}
            post_processing:
              - override: "Income < 110 -> bad"
            """;
        var logPath = Path.Combine(f.Folder, "hitl-predictions.db");
        string requestId;
        JsonElement answers;
        var table = File.ReadAllLines(f.CsvPath);
        var income = Array.IndexOf(Fields(table[0]), "Income");
        var rows = Enumerable.Range(0, 30).ToArray();
        await using (var server = await ServeAsync(yaml, logPath))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            using var r = await ServedModelFixture.PostAsync(client, "invocations", f.CsvRows(rows), "text/csv");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("partial", r.Headers.GetValues("Keel-Mode").Single());
            requestId = r.Headers.GetValues("Keel-Request-Id").Single();
            answers = (await ServedModelFixture.JsonAsync(r)).GetProperty("predictions");
            await UntilAsync(async () => (await f.Store.Deployments.ListReviewsAsync("hitl", false, 100)).Count > 0);
            // As `keel review label` does, through the server: the label becomes feedback for the request.
            var first = (await f.Store.Deployments.ListReviewsAsync("hitl", false, 100))[0];
            using (var labelled = await ServedModelFixture.PostAsync(client, $"admin/reviews/{first.Id}/label", """{"label":"good"}"""))
                Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
            using (var again = await ServedModelFixture.PostAsync(client, $"admin/reviews/{first.Id}/label", """{"label":"bad"}"""))
                Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        var overridden = 0;
        var queued = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var a = answers[i];
            var low = double.TryParse(Fields(table[1 + i])[income], System.Globalization.CultureInfo.InvariantCulture, out var v) && v < 110;
            if (low)
            {
                Assert.Equal("bad", a.GetProperty("label").GetString());
                Assert.Equal(1.0, a.GetProperty("probabilities").GetProperty("bad").GetDouble());
            }
            if (a.TryGetProperty("post_processing", out var pp))
            {
                overridden++;
                Assert.True(low);
                Assert.Equal("Income < 110 -> bad", pp[0].GetProperty("rule").GetString());
                Assert.Equal("good", pp[0].GetProperty("before").GetString());
            }
            var confident = a.GetProperty("probabilities").EnumerateObject().Max(p => p.Value.GetDouble()) >= 0.9;
            Assert.Equal(!confident, a.TryGetProperty("needs_review", out var nr) && nr.GetBoolean());
            if (!confident) queued++;
        }
        Assert.True(overridden > 0, "some row should have been overridden");
        Assert.True(queued > 0, "some row should have been under the threshold");

        var items = await f.Store.Deployments.ListReviewsAsync("hitl", true, 100);
        Assert.Equal(queued, items.Count(i => i.RequestId == requestId));
        Assert.Single(items, i => i.IsLabelled);
        Assert.Contains(await f.Store.Deployments.ListFeedbackAsync(requestId), x => x.Outcome == "good" && x.Source == "review" && x.Actor == "loopback (admin api)");

        await using var log = await PredictionLogStores.OpenSqliteAsync(logPath);
        var logged = (await log.GetAsync(requestId))!.Prediction.OutputsJson;
        Assert.Contains("\"post_processing\"", logged, StringComparison.Ordinal);
        Assert.Contains("\"needs_review\":true", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreChange_ModeAssistThenShadow_EveryAnswerMarkedAndShadowFlagged()
    {
        const string yaml = """
            endpoint: modes
            champion: credit-risk@champion
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        using (var full = await PostAsync(client, 1))
        {
            Assert.Equal("full", full.Headers.GetValues("Keel-Mode").Single());
            Assert.False((await ServedModelFixture.JsonAsync(full)).GetProperty("predictions")[0].TryGetProperty("needs_review", out _));
        }
        await ChangeInStoreAsync("modes", DeploymentEventKind.Mode, s => s with { Mode = DeploymentMode.Assist });
        await UntilAsync(async () =>
        {
            using var r = await PostAsync(client, 2);
            return r.Headers.GetValues("Keel-Mode").Single() == "assist";
        });
        using (var assist = await PostAsync(client, 3))
        {
            var row = (await ServedModelFixture.JsonAsync(assist)).GetProperty("predictions")[0];
            Assert.True(row.GetProperty("needs_review").GetBoolean());
            Assert.False(row.TryGetProperty("shadow", out _));
        }
        await ChangeInStoreAsync("modes", DeploymentEventKind.Mode, s => s with { Mode = DeploymentMode.Shadow });
        await UntilAsync(async () =>
        {
            using var r = await PostAsync(client, 2);
            return r.Headers.GetValues("Keel-Mode").Single() == "shadow";
        });
        using var shadow = await PostAsync(client, 4);
        var shadowRow = (await ServedModelFixture.JsonAsync(shadow)).GetProperty("predictions")[0];
        Assert.True(shadowRow.GetProperty("shadow").GetBoolean());
        Assert.True(shadowRow.GetProperty("needs_review").GetBoolean());
        var modes = (await f.Store.Deployments.GetHistoryAsync("modes")).Where(e => e.Kind == DeploymentEventKind.Mode).Select(e => e.To.Mode);
        Assert.Equal([DeploymentMode.Assist, DeploymentMode.Shadow], modes);
    }

    [Fact]
    public async Task ServeDeployment_SeededBanditWithHttpFeedback_MovesTrafficToTheBetterArm()
    {
        const string yaml = """
            endpoint: bandit-http
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            strategy: {bandit: {algorithm: thompson}}
            guards: {max_p99_ratio: off, max_score_shift: off}
            seed: 11
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        var rewards = new Random(5);
        var arms = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            using var r = await PostAsync(client, i);
            var arm = Arm(r);
            arms.Add(arm);
            // The challenger converts 70% of the time, the champion 30%.
            var success = rewards.NextDouble() < (arm == "challenger" ? 0.7 : 0.3);
            using var fb = await ServedModelFixture.PostAsync(client, "feedback",
                $$"""{"request_id":"{{r.Headers.GetValues("Keel-Request-Id").Single()}}","outcome":{{(success ? 1 : 0)}}}""");
            Assert.Equal(HttpStatusCode.OK, fb.StatusCode);
            Assert.Equal(arm, (await ServedModelFixture.JsonAsync(fb)).GetProperty("arm").GetString());
        }
        Assert.True(arms.Take(50).Count(a => a == "challenger") < 45, "early traffic should still explore the champion");
        Assert.InRange(arms.Skip(200).Count(a => a == "challenger") / 100.0, 0.8, 1.0);
    }

    [Fact]
    public async Task ServeDeployment_AbWithHttpFeedback_SplitsByKeyAndShowsTheVerdictOnlyAtThePlannedSample()
    {
        const string yaml = """
            endpoint: ab-http
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            routing_key: {header: X-Customer-Id}
            strategy: {ab: {split: 50, minimum_effect: 0.3, baseline_rate: 0.4}}
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        async Task<JsonElement> Report()
        {
            using var r = await client.GetAsync("admin/deployments/ab-http");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return (await ServedModelFixture.JsonAsync(r)).GetProperty("report").GetProperty("ab");
        }
        var planned = (await Report()).GetProperty("planned_per_arm").GetInt64();
        Assert.InRange(planned, 20, 60);
        var outcomes = new Random(3);
        var counts = new Dictionary<string, int> { ["champion"] = 0, ["challenger"] = 0 };
        for (var i = 0; counts.Values.Min() < planned; i++)
        {
            using var r = await PostAsync(client, i, "user-" + i);
            var arm = Arm(r);
            counts[arm]++;
            var success = outcomes.NextDouble() < (arm == "challenger" ? 0.8 : 0.3);
            using var fb = await ServedModelFixture.PostAsync(client, "feedback",
                $$"""{"request_id":"{{r.Headers.GetValues("Keel-Request-Id").Single()}}","outcome":"{{(success ? "1" : "0")}}"}""");
            Assert.Equal(HttpStatusCode.OK, fb.StatusCode);
            if (counts.Values.Min() < planned) Assert.Equal(JsonValueKind.Null, (await Report()).GetProperty("verdict").ValueKind);
        }
        var total = counts.Values.Sum();
        Assert.InRange(counts["challenger"] / (double)total, 0.3, 0.7);
        var verdict = (await Report()).GetProperty("verdict");
        Assert.Equal(JsonValueKind.Object, verdict.ValueKind);
        Assert.True(verdict.GetProperty("difference").GetDouble() > 0);
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
            guards: {max_p99_latency_ms: 20, max_p99_ratio: off, max_score_shift: off, window: 100, min_requests: 10}
            """;
        // The fault hook makes the challenger slow (a drill): 40 ms per prediction.
        await using var server = await ServeAsync(yaml, fault: arm =>
        {
            if (arm == "challenger") Thread.Sleep(40);
        });
        using var client = new HttpClient { BaseAddress = server.Address };
        for (var i = 0; i < 80; i++)
        {
            using var r = await PostAsync(client, i, "u-" + i);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        DeploymentEvent? rollback = null;
        await UntilAsync(async () =>
        {
            rollback = (await f.Store.Deployments.GetHistoryAsync("canary-slow")).FirstOrDefault(e => e.Kind == DeploymentEventKind.Rollback);
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
        var version = f.Champion.Version;
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
}
