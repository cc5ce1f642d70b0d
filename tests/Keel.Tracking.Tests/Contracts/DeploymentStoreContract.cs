using Keel.Core;
using Keel.Core.Deployments;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IDeploymentStore"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract class DeploymentStoreContract : StoreContract<IDeploymentStore>
{
    protected IDeploymentStore Store => Subject;

    private static readonly DeploymentState Created = new(RolloutPhase.Created, DeploymentMode.Full, 0, 0);

    protected static Deployment Definition(string name = "credit", string text = "endpoint: credit\n", string? challenger = "credit-risk@challenger") => new()
    {
        Name = name,
        Champion = "credit-risk@champion",
        Challenger = challenger,
        Strategy = "canary",
        SpecText = text,
        State = Created,
    };

    [Fact]
    public async Task Apply_New_StoredWithCreateEventAndTime()
    {
        var e = await Store.ApplyAsync(Definition(), "ann");
        Assert.Equal((DeploymentEventKind.Create, (DeploymentState?)null, Created, T0, "ann"), (e!.Kind, e.From, e.To, e.At, e.Actor));
        var d = (await Store.GetAsync("credit"))!;
        Assert.Equal(("credit-risk@champion", "credit-risk@challenger", "canary", "endpoint: credit\n", 1, Created, T0),
            (d.Champion, d.Challenger, d.Strategy, d.SpecText, d.SpecVersion, d.State, d.CreatedAt));
    }

    [Fact]
    public async Task Apply_SameTextAgain_NothingWritten()
    {
        await Store.ApplyAsync(Definition(), "ann");
        Assert.Null(await Store.ApplyAsync(Definition(), "bob"));
        Assert.Single(await Store.GetHistoryAsync("credit"));
    }

    [Fact]
    public async Task Apply_ChangedText_NewSpecVersionStateKeptOldTextKept()
    {
        await Store.ApplyAsync(Definition(text: "v1"), "ann");
        var running = new DeploymentState(RolloutPhase.Running, DeploymentMode.Partial, 5, 0);
        await Store.ChangeStateAsync("credit", DeploymentEventKind.Start, running, "ann", null);
        Time.Advance(TimeSpan.FromMinutes(1));
        var e = await Store.ApplyAsync(Definition(text: "v2", challenger: "credit-risk:7"), "bob");
        Assert.Equal((DeploymentEventKind.Update, running, running), (e!.Kind, e.From, e.To));
        var d = (await Store.GetAsync("credit"))!;
        Assert.Equal((2, "v2", "credit-risk:7", running, T0 + TimeSpan.FromMinutes(1)), (d.SpecVersion, d.SpecText, d.Challenger, d.State, d.UpdatedAt));
        Assert.Equal("v1", await Store.GetSpecAsync("credit", 1));
        Assert.Equal("v2", await Store.GetSpecAsync("credit", 2));
        Assert.Null(await Store.GetSpecAsync("credit", 3));
    }

    [Fact]
    public async Task ChangeState_Sequence_HistoryAppendOnlyInOrderWithFromStates()
    {
        await Store.ApplyAsync(Definition(), "ann");
        var s1 = new DeploymentState(RolloutPhase.Running, DeploymentMode.Full, 5, 0);
        var s2 = s1 with { ChallengerPercent = 25, Step = 1 };
        var s3 = s2 with { Phase = RolloutPhase.RolledBack, ChallengerPercent = 0 };
        await Store.ChangeStateAsync("credit", DeploymentEventKind.Start, s1, "ann", null);
        Time.Advance(TimeSpan.FromSeconds(30));
        await Store.ChangeStateAsync("credit", DeploymentEventKind.Step, s2, "guard", "guards held for 200 requests");
        Time.Advance(TimeSpan.FromSeconds(30));
        await Store.ChangeStateAsync("credit", DeploymentEventKind.Rollback, s3, "guard", "challenger error rate 12% over 5%");
        var h = await Store.GetHistoryAsync("credit");
        Assert.Equal([DeploymentEventKind.Create, DeploymentEventKind.Start, DeploymentEventKind.Step, DeploymentEventKind.Rollback], h.Select(e => e.Kind));
        Assert.Equal([null, Created, s1, s2], h.Select(e => e.From));
        Assert.Equal([Created, s1, s2, s3], h.Select(e => e.To));
        Assert.Equal([T0, T0, T0.AddSeconds(30), T0.AddSeconds(60)], h.Select(e => e.At));
        Assert.Equal("challenger error rate 12% over 5%", h[^1].Reason);
        Assert.True(h.Zip(h.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal(s3, (await Store.GetAsync("credit"))!.State);
    }

    [Fact]
    public async Task ChangeState_UnknownDeployment_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.ChangeStateAsync("nope", DeploymentEventKind.Promote, Created, "ann", null));

    [Fact]
    public async Task ChangeState_PercentOver100_ThrowsInputAndStateUnchanged()
    {
        await Store.ApplyAsync(Definition(), "ann");
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.ChangeStateAsync("credit", DeploymentEventKind.Step, Created with { ChallengerPercent = 150 }, "ann", null));
        Assert.Contains("0 to 100", e.Message);
        Assert.Equal(Created, (await Store.GetAsync("credit"))!.State);
    }

    [Fact]
    public async Task Apply_BadName_ThrowsInputNamingIt()
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.ApplyAsync(Definition(name: "Credit Risk"), "ann"));
        Assert.Contains("'Credit Risk'", e.Message);
    }

    [Fact]
    public async Task List_TwoDeployments_ByName()
    {
        await Store.ApplyAsync(Definition("zeta"), "ann");
        await Store.ApplyAsync(Definition("alpha", challenger: null), "ann");
        var all = await Store.ListAsync();
        Assert.Equal(["alpha", "zeta"], all.Select(d => d.Name));
        Assert.Null(all[0].Challenger);
    }

    [Fact]
    public async Task LabelReview_Pending_BecomesFeedbackAndLeavesQueue()
    {
        await Store.ApplyAsync(Definition(), "ann");
        var a = await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-1", """{"Income":5}""", Answer, 0.55, T0));
        var b = await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-2", "{}", "{}", 0.61, T0));
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(["req-1", "req-2"], (await Store.ListReviewsAsync("credit", false, 10)).Select(r => r.RequestId));
        Time.Advance(TimeSpan.FromMinutes(5));
        var f = await Store.LabelReviewAsync(a.Id, "bad", "ann");
        Assert.Equal(new Feedback("req-1", "bad", T0.AddMinutes(5), "review", "ann"), f);
        Assert.Equal(["req-2"], (await Store.ListReviewsAsync(null, false, 10)).Select(r => r.RequestId));
        Assert.Equal((1L, 2L, 0L), (await Store.CountReviewsAsync("credit", false), await Store.CountReviewsAsync(null, true), await Store.CountReviewsAsync("other", true)));
        var labelled = (await Store.ListReviewsAsync("credit", true, 10))[0];
        Assert.Equal(("bad", "ann", (DateTimeOffset?)T0.AddMinutes(5), 0.55), (labelled.Label, labelled.LabelledBy, labelled.LabelledAt, labelled.Confidence));
        Assert.Equal([f], await Store.ListFeedbackAsync("req-1"));
    }

    [Fact]
    public async Task LabelReview_Twice_ThrowsInputAndKeepsFirstLabel()
    {
        await Store.ApplyAsync(Definition(), "ann");
        var a = await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-1", "{}", Answer, 0.5, T0));
        await Store.LabelReviewAsync(a.Id, "bad", "ann");
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.LabelReviewAsync(a.Id, "good", "bob"));
        Assert.Contains("already labelled 'bad'", e.Message);
        Assert.Single(await Store.ListFeedbackAsync(null));
    }

    /// <summary>A binary answer as the server queues it.</summary>
    private const string Answer = """{"label":"good","probabilities":{"good":0.55,"bad":0.45},"needs_review":true}""";

    [Fact]
    public async Task LabelReview_NotAClassOfTheAnswer_ThrowsInputAndStaysPending()
    {
        await Store.ApplyAsync(Definition(), "ann");
        var a = await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-1", "{}", Answer, 0.55, T0));
        var value = await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-2", "{}", """{"value":12.5,"needs_review":true}""", double.NaN, T0));

        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.LabelReviewAsync(a.Id, "purple", "ann"));
        var n = await Assert.ThrowsAsync<KeelInputException>(() => Store.LabelReviewAsync(value.Id, "lots", "ann"));
        await Assert.ThrowsAsync<KeelInputException>(() => Store.LabelReviewAsync(value.Id, "NaN", "ann"));

        Assert.Contains($"review item {a.Id} label 'purple': expected one of the model's classes: good, bad", e.Message);
        Assert.Contains("expected a number", n.Message);
        Assert.Equal(2, (await Store.ListReviewsAsync("credit", false, 10)).Count);
        Assert.Empty(await Store.ListFeedbackAsync(null));
        Assert.Equal("Bad", (await Store.LabelReviewAsync(a.Id, "Bad", "ann")).Outcome);
        Assert.Equal("13", (await Store.LabelReviewAsync(value.Id, "13", "ann")).Outcome);
    }

    [Fact]
    public async Task ListRequestReviews_RowsOfOneRequestInRowOrderWithTheirPlace()
    {
        await Store.ApplyAsync(Definition(), "ann");
        var third = await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-1", "{}", Answer, 0.5, T0) { Row = 2, RequestRows = 4 });
        await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-2", "{}", Answer, 0.5, T0) { Row = 0, RequestRows = 1 });
        await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", "req-1", "{}", Answer, 0.5, T0) { Row = 0, RequestRows = 4 });

        var items = await Store.ListRequestReviewsAsync("req-1");

        Assert.Equal([(0, 4), (2, 4)], items.Select(i => (i.Row!.Value, i.RequestRows!.Value)));
        Assert.Equal((2, 4), ((await Store.GetReviewAsync(third.Id))!.Row, (await Store.GetReviewAsync(third.Id))!.RequestRows));
        Assert.Null(await Store.GetReviewAsync(999));
    }

    [Fact]
    public async Task LabelReview_UnknownId_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.LabelReviewAsync(42, "bad", "ann"));

    [Fact]
    public async Task ListReviews_Limit_OldestFirstUpToLimit()
    {
        await Store.ApplyAsync(Definition(), "ann");
        for (var i = 0; i < 5; i++) await Store.EnqueueReviewAsync(new ReviewItem(0, "credit", $"req-{i}", "{}", "{}", double.NaN, T0));
        var two = await Store.ListReviewsAsync("credit", false, 2);
        Assert.Equal(["req-0", "req-1"], two.Select(r => r.RequestId));
        Assert.Equal(5, await Store.CountReviewsAsync("credit", false));
        Assert.True(double.IsNaN(two[0].Confidence));
    }

    [Fact]
    public async Task AddFeedback_Api_ListedByRequest()
    {
        await Store.AddFeedbackAsync(new Feedback("r1", "1", T0, "api", "etl"));
        await Store.AddFeedbackAsync(new Feedback("r2", "0", T0, "api", "etl"));
        Assert.Equal(["1"], (await Store.ListFeedbackAsync("r1")).Select(f => f.Outcome));
        Assert.Equal(2, (await Store.ListFeedbackAsync(null)).Count);
    }

    [Fact]
    public async Task VerifyToken_StoredHash_AcceptsTokenRefusesOthersAndRevoked()
    {
        var (token, record) = ApiTokens.Generate("feedback-service", "ann", T0, iterations: 1000);
        var (other, _) = ApiTokens.Generate("other", "ann", T0, iterations: 1000);
        await Store.AddTokenAsync(record);
        var stored = (await Store.FindTokenAsync(record.Id))!;
        Assert.Equal(record, stored);
        Assert.DoesNotContain(token[^20..], stored.Hash + stored.Salt);
        Assert.True(await Store.VerifyTokenAsync(token));
        Assert.False(await Store.VerifyTokenAsync(other));
        Assert.False(await Store.VerifyTokenAsync(token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.False(await Store.VerifyTokenAsync(null));
        await Store.RevokeTokenAsync(record.Id, T0.AddHours(1));
        Assert.False(await Store.VerifyTokenAsync(token));
        Assert.Equal(T0.AddHours(1), (await Store.ListTokensAsync()).Single().RevokedAt);
    }

    [Fact]
    public async Task AddToken_RoleAndScopes_StoredAndReadBack()
    {
        var (_, record) = ApiTokens.Generate("trainer", "ann", T0, iterations: 1000);
        record = record with { Role = TokenRole.Write, Experiments = ["churn", "credit"], Models = ["credit-risk"] };
        await Store.AddTokenAsync(record);
        var stored = (await Store.FindTokenAsync(record.Id))!;
        Assert.Equal(record, stored);
        Assert.Equal(["churn", "credit"], stored.Experiments);
        Assert.True(stored.CoversExperiment("churn"));
        Assert.False(stored.CoversExperiment("other"));
    }

    [Fact]
    public async Task RevokeToken_Unknown_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.RevokeTokenAsync("0123456789ab", T0));
}
