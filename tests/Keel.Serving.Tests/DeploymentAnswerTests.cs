using System.Net;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Tracking.PredictionLog;

namespace Keel.Serving.Tests;

/// <summary>
/// What a served deployment does to its answers, over a real Kestrel: post-processing and review marks, modes, the review queue, and
/// feedback reaching A/B tests and bandits.
/// </summary>
[Collection(ServedModelCollection.Name)]
public sealed class DeploymentAnswerTests(ServedModelFixture fixture) : DeploymentTestBase(fixture)
{
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
        var lines = File.ReadAllLines(F.CsvPath);
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
        var logPath = Path.Combine(F.Folder, "hitl-predictions.db");
        string requestId;
        JsonElement answers;
        ReviewItem first, second;
        var table = File.ReadAllLines(F.CsvPath);
        var income = Array.IndexOf(Fields(table[0]), "Income");
        var rows = Enumerable.Range(0, 30).ToArray();
        await using (var server = await ServeAsync(yaml, logPath))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            using var r = await ServedModelFixture.PostAsync(client, "invocations", F.CsvRows(rows), "text/csv");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("partial", r.Headers.GetValues("Keel-Mode").Single());
            requestId = r.Headers.GetValues("Keel-Request-Id").Single();
            answers = (await ServedModelFixture.JsonAsync(r)).GetProperty("predictions");
            await UntilAsync(async () => (await F.Store.Deployments.ListReviewsAsync("hitl", false, 100)).Count > 0);
            // As `keel review label` does, through the server: the label becomes feedback for the request.
            await UntilAsync(async () => (await F.Store.Deployments.ListReviewsAsync("hitl", false, 100)).Count >= 2);
            var pending = await F.Store.Deployments.ListReviewsAsync("hitl", false, 100);
            (first, second) = (pending[0], pending[1]);
            using (var labelled = await ServedModelFixture.PostAsync(client, $"admin/reviews/{first.Id}/label", """{"label":"good"}"""))
                Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
            using (var again = await ServedModelFixture.PostAsync(client, $"admin/reviews/{first.Id}/label", """{"label":"bad"}"""))
                Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            using (var unknown = await ServedModelFixture.PostAsync(client, $"admin/reviews/{second.Id}/label", """{"label":"purple"}"""))
            {
                Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
                Assert.Contains("expected one of the model's classes", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var labelled = await ServedModelFixture.PostAsync(client, $"admin/reviews/{second.Id}/label", """{"label":"bad"}"""))
                Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
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

        var items = await F.Store.Deployments.ListReviewsAsync("hitl", true, 100);
        Assert.Equal(queued, items.Count(i => i.RequestId == requestId));
        Assert.Equal(2, items.Count(i => i.IsLabelled));
        Assert.Contains(await F.Store.Deployments.ListFeedbackAsync(requestId), x => x.Outcome == "good" && x.Source == "review" && x.Actor == "loopback (admin api)");

        await using var log = await PredictionLogStores.OpenSqliteAsync(logPath);
        var entry = (await log.GetAsync(requestId))!;
        Assert.Contains("\"post_processing\"", entry.Prediction.OutputsJson, StringComparison.Ordinal);
        Assert.Contains("\"needs_review\":true", entry.Prediction.OutputsJson, StringComparison.Ordinal);
        // The log's latest feedback holds one outcome per row of the 30-row request: the two labels at their rows, null elsewhere,
        // so monitoring joins them (a scalar label for the whole request made the join fail).
        var outcomes = JsonDocument.Parse(entry.Feedback[^1].OutcomeJson).RootElement.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Null ? null : o.GetString()).ToArray();
        Assert.Equal(rows.Length, outcomes.Length);
        Assert.Equal(("good", "bad"), (outcomes[first.Row!.Value], outcomes[second.Row!.Value]));
        Assert.Equal(rows.Length - 2, outcomes.Count(o => o is null));
        var joined = Keel.Monitoring.Performance.FeedbackJoin.Join([entry]);
        Assert.Equal((2, rows.Length - 2), (joined.Truth.Count, joined.Unlabelled));
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
        var modes = (await F.Store.Deployments.GetHistoryAsync("modes")).Where(e => e.Kind == DeploymentEventKind.Mode).Select(e => e.To.Mode);
        Assert.Equal([DeploymentMode.Assist, DeploymentMode.Shadow], modes);
    }

    [Fact]
    public Task ServeDeployment_SeededBanditWithHttpFeedback_MovesTrafficToTheBetterArm() =>
        // The challenger converts 70% of the time, the champion 30%.
        BanditMovesTrafficAsync("endpoint: bandit-http\nstrategy: {bandit: {algorithm: thompson}}\n", (success, _) => success ? "1" : "0");

    [Fact]
    public Task ServeDeployment_BanditOnCorrectAnswers_TrueLabelsMoveTrafficToTheArmThatIsRight() =>
        // The feedback is the true label, as monitoring reads it: the challenger's answer is right 70% of the time, the champion's 30%.
        BanditMovesTrafficAsync("endpoint: bandit-correct\nstrategy: {bandit: {algorithm: thompson, outcome: correct}}\n",
            (right, answered) => right ? answered.ToUpperInvariant() : answered == "good" ? "bad" : "good");

    /// <summary>300 requests to a seeded bandit whose challenger succeeds 70% of the time and champion 30%; <paramref name="outcome"/>
    /// writes the feedback from the success and the answered label. Traffic explores first, then follows the challenger.</summary>
    private async Task BanditMovesTrafficAsync(string yaml, Func<bool, string, string> outcome)
    {
        yaml += """
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            guards: {max_p99_ratio: off, max_score_shift: off}
            seed: 11
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        var world = new Random(5);
        var arms = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            using var r = await PostAsync(client, i);
            var arm = Arm(r);
            arms.Add(arm);
            var answered = (await ServedModelFixture.JsonAsync(r)).GetProperty("predictions")[0].GetProperty("label").GetString()!;
            var success = world.NextDouble() < (arm == "challenger" ? 0.7 : 0.3);
            using var fb = await ServedModelFixture.PostAsync(client, "feedback",
                $$"""{"request_id":"{{r.Headers.GetValues("Keel-Request-Id").Single()}}","outcome":"{{outcome(success, answered)}}"}""");
            Assert.Equal(HttpStatusCode.OK, fb.StatusCode);
            Assert.Equal(arm, (await ServedModelFixture.JsonAsync(fb)).GetProperty("arm").GetString());
        }
        Assert.True(arms.Take(50).Count(a => a == "challenger") < 45, "early traffic should still explore the champion");
        Assert.InRange(arms.Skip(200).Count(a => a == "challenger") / 100.0, 0.8, 1.0);
    }

    [Theory]
    [InlineData("ab: {split: 50, outcome: correct}", "ab")]
    [InlineData("bandit: {outcome: correct}", "bandit")]
    public async Task ServeDeployment_Restarted_TheAttemptsOutcomesAreReadAgainFromTheLog(string strategy, string report)
    {
        var yaml = $"endpoint: restart-{report}\nchampion: credit-risk@champion\nchallenger: credit-risk@challenger\nstrategy: {{{strategy}}}\n"
            + "guards: {max_p99_ratio: off, max_score_shift: off}\n";
        var logPath = Path.Combine(F.Folder, $"restart-{report}-predictions.db");
        async Task<(long Champion, double ChampionMean, long Challenger, double ChallengerMean)> Figures(HttpClient client)
        {
            using var r = await client.GetAsync($"admin/deployments/restart-{report}");
            var arms = (await ServedModelFixture.JsonAsync(r)).GetProperty("report").GetProperty(report);
            var (a, b) = (arms.GetProperty("champion"), arms.GetProperty("challenger"));
            return (a.GetProperty("count").GetInt64(), a.GetProperty("count").GetInt64() == 0 ? 0 : a.GetProperty("mean").GetDouble(),
                b.GetProperty("count").GetInt64(), b.GetProperty("count").GetInt64() == 0 ? 0 : b.GetProperty("mean").GetDouble());
        }
        // The attempt's start event is stamped by the store's clock (the system's here) and requests by the server's (the fake one, days
        // behind): bring the server's past it, as one clock would be.
        if (F.Clock.GetUtcNow() < DateTimeOffset.UtcNow) F.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        F.Clock.Advance(TimeSpan.FromMinutes(1));
        (long, double, long, double) before;
        await using (var server = await ServeAsync(yaml, logPath))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            for (var i = 0; i < 30; i++)
            {
                using var r = await PostAsync(client, i);
                var answered = (await ServedModelFixture.JsonAsync(r)).GetProperty("predictions")[0].GetProperty("label").GetString()!;
                // Two answers in three were right.
                var truth = i % 3 == 0 ? (answered == "good" ? "bad" : "good") : answered;
                using var fb = await ServedModelFixture.PostAsync(client, "feedback", $$"""{"request_id":"{{r.Headers.GetValues("Keel-Request-Id").Single()}}","outcome":"{{truth}}"}""");
                Assert.Equal(HttpStatusCode.OK, fb.StatusCode);
            }
            before = await Figures(client);
        }
        Assert.Equal(30, before.Item1 + before.Item3);

        await using var again = await ServeAsync(yaml, logPath);
        using var next = new HttpClient { BaseAddress = again.Address };

        var after = await Figures(next);
        Assert.Equal(before.Item1, after.Champion);
        Assert.Equal(before.Item3, after.Challenger);
        Assert.Equal(before.Item2, after.ChampionMean, 12);
        Assert.Equal(before.Item4, after.ChallengerMean, 12);
    }

    [Fact]
    public async Task ServeDeployment_AbOnCorrectAnswersOfLoggedRequests_EachRowJudgedAgainstTheAnswerInTheLog()
    {
        const string yaml = """
            endpoint: ab-correct
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            strategy: {ab: {outcome: correct, baseline_rate: 0.7, minimum_effect: 0.2}}
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        var logPath = Path.Combine(F.Folder, "ab-correct-predictions.db");
        // Only the latest request is remembered, so feedback on the others is judged from the answers in the prediction log.
        await using var server = await DeploymentTesting.ServeAsync(F, yaml, logPath, d => d with { StatePollInterval = Poll, RememberedRequests = 1 });
        using var client = new HttpClient { BaseAddress = server.Address };
        var answered = new List<(string Id, string Arm, string[] Labels)>();
        for (var i = 0; i < 10; i++)
        {
            using var r = await ServedModelFixture.PostAsync(client, "invocations", F.CsvRows([3 * i, 3 * i + 1, 3 * i + 2]), "text/csv");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var labels = (await ServedModelFixture.JsonAsync(r)).GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()!).ToArray();
            answered.Add((r.Headers.GetValues("Keel-Request-Id").Single(), Arm(r), labels));
        }
        await using (var log = await PredictionLogStores.OpenSqliteAsync(logPath))
            await UntilAsync(async () => await log.GetAsync(answered[^1].Id) is not null);
        foreach (var (id, arm, labels) in answered)
        {
            // Row 0's answer was right, rows 1 and 2 wrong.
            var truth = labels.Select((l, row) => row == 0 ? l : l == "good" ? "bad" : "good");
            using var fb = await ServedModelFixture.PostAsync(client, "feedback", $$"""{"request_id":"{{id}}","outcome":[{{string.Join(",", truth.Select(t => $"\"{t}\""))}}]}""");
            Assert.Equal(HttpStatusCode.OK, fb.StatusCode);
            Assert.Equal(arm, (await ServedModelFixture.JsonAsync(fb)).GetProperty("arm").GetString());
        }
        using var state = await client.GetAsync("admin/deployments/ab-correct");
        var ab = (await ServedModelFixture.JsonAsync(state)).GetProperty("report").GetProperty("ab");
        var count = answered.ToLookup(a => a.Arm).ToDictionary(g => g.Key, g => 3 * g.Count());
        foreach (var arm in new[] { "champion", "challenger" })
        {
            var summary = ab.GetProperty(arm);
            Assert.Equal(count.GetValueOrDefault(arm), summary.GetProperty("count").GetInt64());
            if (count.ContainsKey(arm)) Assert.Equal(1 / 3.0, summary.GetProperty("mean").GetDouble(), 12);
        }
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
}
