using Keel.Core;
using Keel.Core.PredictionLog;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>What every prediction log store must do; one subclass per backend.</summary>
public abstract class PredictionLogContract : StoreContract<IPredictionLogStore>
{
    protected static PredictionRecord Record(string id, DateTimeOffset at, string model = "credit-risk", int version = 1, string arm = "champion") => new()
    {
        RequestId = id,
        Time = at,
        Model = model,
        Version = version,
        Arm = arm,
        Endpoint = "invocations",
        LatencyMs = 1.25,
        Rows = 1,
        InputsJson = """[{"Income":129,"Home":"rent"}]""",
        OutputsJson = """[{"label":"good","probabilities":{"bad":0.25,"good":0.75}}]""",
    };

    [Fact]
    public async Task Append_ThenGet_ReturnsEveryField()
    {
        var r = Record("a1", T0);
        await Subject.AppendAsync([r]);
        var got = await Subject.GetAsync("a1");
        Assert.NotNull(got);
        Assert.Equal(r, got.Prediction);
        Assert.Empty(got.Feedback);
    }

    [Fact]
    public async Task Get_UnknownId_Null() => Assert.Null(await Subject.GetAsync("nope"));

    [Fact]
    public async Task Append_DuplicateId_ThrowsAndKeepsNothingOfTheBatch()
    {
        await Subject.AppendAsync([Record("a1", T0)]);
        await Assert.ThrowsAsync<KeelInputException>(() => Subject.AppendAsync([Record("b1", T0), Record("a1", T0)]));
        Assert.Null(await Subject.GetAsync("b1"));
    }

    [Fact]
    public async Task AppendEncoded_ThenGet_ReturnsEveryFieldAsRecorded()
    {
        // Non-ASCII text in the fields the server encodes as UTF-8 bytes, handed to the store as the writer hands them.
        var a = Record("a1", T0) with { Model = "crédit-risk", InputsJson = """[{"Home":"propriétaire ✓","Income":129}]""" };
        var b = Record("b1", T0.AddMilliseconds(7), version: 3) with { Model = "crédit-risk", LatencyMs = 0.125, Rows = 2, Deployment = "crédit-eu" };
        await Subject.AppendAsync(EncodedPredictions.From([a, b]));
        Assert.Equal(a, (await Subject.GetAsync("a1"))!.Prediction);
        Assert.Equal(b, (await Subject.GetAsync("b1"))!.Prediction);
    }

    [Fact]
    public async Task AppendEncoded_DuplicateId_ThrowsNamingItAndKeepsNothingOfTheBatch()
    {
        await Subject.AppendAsync([Record("a1", T0)]);
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Subject.AppendAsync(EncodedPredictions.From([Record("b1", T0), Record("a1", T0)])));
        Assert.Contains("'a1'", e.Message, StringComparison.Ordinal);
        Assert.Null(await Subject.GetAsync("b1"));
    }

    [Fact]
    public async Task Feedback_BeforeOrAfterThePrediction_JoinsByRequestId()
    {
        await Subject.AddFeedbackAsync(new FeedbackRecord("a1", "\"bad\"", T0.AddSeconds(1)));
        await Subject.AppendAsync([Record("a1", T0)]);
        await Subject.AddFeedbackAsync(new FeedbackRecord("a1", "\"good\"", T0.AddSeconds(2)));
        var got = await Subject.GetAsync("a1");
        Assert.Equal(["\"bad\"", "\"good\""], got!.Feedback.Select(f => f.OutcomeJson));
        Assert.Equal(T0.AddSeconds(1), got.Feedback[0].Time);
    }

    [Fact]
    public async Task Read_ByDeployment_ItsRequestsWhateverTheModelAndNoOneElses()
    {
        await Subject.AppendAsync([
            Record("a", T0) with { Deployment = "credit" },
            Record("b", T0.AddSeconds(1), model: "shop", arm: "challenger") with { Deployment = "credit" },
            Record("c", T0.AddSeconds(2)) with { Deployment = "credit-eu" },
            Record("d", T0.AddSeconds(3)),
            Record("e", T0.AddSeconds(4)) with { Deployment = "credit" },
        ]);
        var credit = new PredictionQuery { Model = "credit-risk", Deployment = "credit" };
        // Its champion's and its challenger's answers (another model); not another deployment's, nor those served without one.
        Assert.Equal(["a", "b", "e"], (await Subject.ListAsync(credit)).Select(p => p.Prediction.RequestId));
        var latencies = new List<LoggedLatency>();
        await foreach (var l in Subject.ReadLatenciesAsync(credit with { From = T0.AddSeconds(1) })) latencies.Add(l);
        Assert.Equal(["challenger", "champion"], latencies.Select(l => l.Arm));
        Assert.Equal(["b"], (await Subject.ListAsync(credit with { Arms = ["challenger"] })).Select(p => p.Prediction.RequestId));
        Assert.Equal(["a", "c", "d", "e"], (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk" })).Select(p => p.Prediction.RequestId));
        Assert.Equal(("credit", null), ((await Subject.GetAsync("b"))!.Prediction.Deployment, (await Subject.GetAsync("d"))!.Prediction.Deployment));
    }

    [Fact]
    public async Task List_ByModelVersionAndTime_OldestFirstWithinLimit()
    {
        await Subject.AppendAsync([
            Record("c", T0.AddMinutes(2)), Record("a", T0), Record("b", T0.AddMinutes(1), version: 2),
            Record("x", T0, model: "other"),
        ]);
        Assert.Equal(["a", "b", "c"], (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk" })).Select(p => p.Prediction.RequestId));
        Assert.Equal(["b"], (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", Version = 2 })).Select(p => p.Prediction.RequestId));
        Assert.Equal(["b"], (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", From = T0.AddMinutes(1), To = T0.AddMinutes(2) })).Select(p => p.Prediction.RequestId));
        Assert.Equal(["a", "b"], (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", Limit = 2 })).Select(p => p.Prediction.RequestId));
    }

    [Fact]
    public async Task List_ExcludeArm_LeavesItOutBeforeTheLimit()
    {
        await Subject.AppendAsync([
            Record("s1", T0, arm: PredictionRecord.ShadowArm), Record("a", T0.AddSeconds(1)),
            Record("s2", T0.AddSeconds(2), arm: PredictionRecord.ShadowArm), Record("b", T0.AddSeconds(3), arm: "challenger"),
        ]);
        var kept = await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", ExcludeArm = PredictionRecord.ShadowArm, Limit = 2 });
        Assert.Equal(["a", "b"], kept.Select(p => p.Prediction.RequestId));
        Assert.Equal(4, (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk" })).Count);
    }

    [Fact]
    public async Task List_ShadowCopy_ArmsFilterAndTheCopiedRequestsFeedback()
    {
        await Subject.AppendAsync([
            Record("a", T0), Record("a" + PredictionRecord.ShadowSuffix, T0.AddSeconds(1), version: 2, arm: PredictionRecord.ShadowArm),
            Record("b", T0.AddSeconds(2), version: 2, arm: "challenger"), Record("c", T0.AddSeconds(3)),
            Record("c" + PredictionRecord.ShadowSuffix, T0.AddSeconds(4), version: 2, arm: PredictionRecord.ShadowArm),
        ]);
        await Subject.AddFeedbackAsync(new FeedbackRecord("a", "\"bad\"", T0.AddSeconds(5)));
        await Subject.AddFeedbackAsync(new FeedbackRecord("b", "\"good\"", T0.AddSeconds(6)));

        var challenger = await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", Arms = ["challenger", PredictionRecord.ShadowArm] });
        Assert.Equal(["a.shadow", "b", "c.shadow"], challenger.Select(p => p.Prediction.RequestId));
        // The copy of "a" answered request "a": its outcome is the copy's too; "c" has none.
        Assert.Equal(["\"bad\"", "\"good\"", ""], challenger.Select(p => string.Join(",", p.Feedback.Select(f => f.OutcomeJson))));
        var all = await Subject.ListAsync(new PredictionQuery { Model = "credit-risk" });
        Assert.Equal(["\"bad\"", "\"bad\""], all.Where(p => p.Prediction.RequestId.StartsWith('a')).Select(p => p.Feedback.Single().OutcomeJson));
        Assert.Equal(["a", "c"], (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", Arms = ["champion"] })).Select(p => p.Prediction.RequestId));
    }

    [Fact]
    public async Task List_WithFeedback_OnlyRequestsWithOutcomesAndShadowCopiesOfThemBeforeTheLimit()
    {
        await Subject.AppendAsync([
            Record("a", T0), Record("a" + PredictionRecord.ShadowSuffix, T0.AddSeconds(1), version: 2, arm: PredictionRecord.ShadowArm),
            Record("b", T0.AddSeconds(2)), Record("c", T0.AddSeconds(3)), Record("d", T0.AddSeconds(4)), Record("e", T0.AddSeconds(5), model: "other"),
        ]);
        foreach (var id in new[] { "a", "c", "e" }) await Subject.AddFeedbackAsync(new FeedbackRecord(id, "\"bad\"", T0.AddSeconds(9)));

        var labelled = await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", WithFeedback = true, Limit = 3 });

        Assert.Equal(["a", "a.shadow", "c"], labelled.Select(p => p.Prediction.RequestId));
        Assert.All(labelled, p => Assert.Equal("\"bad\"", p.Feedback.Single().OutcomeJson));
    }

    [Fact]
    public async Task Read_OneAtATime_EachWithItsOwnFeedbackOnlyWithinTheLimit()
    {
        await Subject.AppendAsync([Record("a", T0), Record("b", T0.AddSeconds(1)), Record("c", T0.AddSeconds(2)), Record("x", T0, model: "other")]);
        await Subject.AddFeedbackAsync(new FeedbackRecord("b", "\"bad\"", T0.AddSeconds(5)));
        await Subject.AddFeedbackAsync(new FeedbackRecord("x", "\"good\"", T0.AddSeconds(5)));
        await Subject.AddFeedbackAsync(new FeedbackRecord("b", "\"good\"", T0.AddSeconds(6)));
        await Subject.AddFeedbackAsync(new FeedbackRecord("c", "\"bad\"", T0.AddSeconds(7)));

        var read = new List<LoggedPrediction>();
        await foreach (var p in Subject.ReadAsync(new PredictionQuery { Model = "credit-risk", Limit = 2 })) read.Add(p);

        Assert.Equal(["a", "b"], read.Select(p => p.Prediction.RequestId));
        Assert.Empty(read[0].Feedback);
        Assert.Equal(["\"bad\"", "\"good\""], read[1].Feedback.Select(f => f.OutcomeJson));
        Assert.Equal(Record("b", T0.AddSeconds(1)), read[1].Prediction);
        Assert.Equal(read.Select(p => (p.Prediction, string.Join(",", p.Feedback))),
            (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", Limit = 2 })).Select(p => (p.Prediction, string.Join(",", p.Feedback))));
        // The newest two instead, still oldest first, with their own feedback.
        var newest = new List<LoggedPrediction>();
        await foreach (var p in Subject.ReadAsync(new PredictionQuery { Model = "credit-risk", Limit = 2, Newest = true })) newest.Add(p);
        Assert.Equal(["b", "c"], newest.Select(p => p.Prediction.RequestId));
        Assert.Equal([2, 1], newest.Select(p => p.Feedback.Count));
        var latencies = new List<LoggedLatency>();
        await foreach (var l in Subject.ReadLatenciesAsync(new PredictionQuery { Model = "credit-risk", Limit = 1, Newest = true })) latencies.Add(l);
        Assert.Equal([T0.AddSeconds(2)], latencies.Select(l => l.Time));
    }

    [Fact]
    public async Task Read_WhileAServerAppends_ReadsItsSnapshotAndDoesNotBlockTheWriter()
    {
        await Subject.AppendAsync(Enumerable.Range(0, 100).Select(i => Record($"r{i:000}", T0.AddSeconds(i))).ToList());
        var ids = new List<string>();
        await foreach (var p in Subject.ReadAsync(new PredictionQuery { Model = "credit-risk", Limit = 1000 }))
        {
            ids.Add(p.Prediction.RequestId);
            // Mid-read, the server logs more requests and feedback: the append must not wait for the reader to finish.
            if (ids.Count == 10)
            {
                var append = Subject.AppendAsync([Record("late", T0.AddSeconds(50))]);
                Assert.Same(append, await Task.WhenAny(append, Task.Delay(TimeSpan.FromSeconds(20))));
                await append;
                await Subject.AddFeedbackAsync(new FeedbackRecord("r050", "\"bad\"", T0.AddSeconds(200)));
            }
        }
        Assert.Equal(100, ids.Count);
        Assert.DoesNotContain("late", ids);
        Assert.Equal(101, (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", Limit = 1000 })).Count);
    }

    [Fact]
    public async Task ReadLatencies_TimeArmAndLatencyOfTheSelectedRequestsOldestFirst()
    {
        await Subject.AppendAsync([
            Record("b", T0.AddSeconds(2), arm: "challenger") with { LatencyMs = 9.5 }, Record("a", T0), Record("s", T0.AddSeconds(1), arm: PredictionRecord.ShadowArm),
            Record("x", T0, model: "other"),
        ]);
        var read = new List<LoggedLatency>();
        await foreach (var l in Subject.ReadLatenciesAsync(new PredictionQuery { Model = "credit-risk", ExcludeArm = PredictionRecord.ShadowArm })) read.Add(l);
        Assert.Equal([new LoggedLatency(T0, "champion", 1.25), new LoggedLatency(T0.AddSeconds(2), "challenger", 9.5)], read);
    }
}
