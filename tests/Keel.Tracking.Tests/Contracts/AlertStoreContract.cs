using Keel.Core;
using Keel.Core.Alerts;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IAlertStore"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract class AlertStoreContract : StoreContract<KeelStore>
{
    protected IAlertStore Store => Subject.Alerts;

    protected static AlertRecord Alert(string scope = "credit-risk@champion", string rule = "psi(distance) > 0.2", double value = 0.31,
        string window = "2026-03-01/2026-03-02", int minutes = 0) =>
        new() { Scope = scope, Rule = rule, Value = value, Window = window, At = T0.AddMinutes(minutes), Delivered = "terminal" };

    [Fact]
    public async Task Append_Several_IdsIncreaseAndListNewestFirst()
    {
        var a = await Store.AppendAsync(Alert(minutes: 0));
        var b = await Store.AppendAsync(Alert(rule: "auc < 0.8", value: 0.71, minutes: 5));
        Assert.True(b.Id > a.Id);
        var all = await Store.ListAsync(new AlertQuery());
        Assert.Equal(["auc < 0.8", "psi(distance) > 0.2"], all.Select(x => x.Rule));
        Assert.Equal((0.71, T0.AddMinutes(5), "terminal"), (all[0].Value, all[0].At, all[0].Delivered));
    }

    [Fact]
    public async Task List_ByScopeSinceAndLimit_Filtered()
    {
        await Store.AppendAsync(Alert(scope: "a", minutes: 0));
        await Store.AppendAsync(Alert(scope: "b", minutes: 1));
        await Store.AppendAsync(Alert(scope: "a", minutes: 2));
        await Store.AppendAsync(Alert(scope: "a", minutes: 3));
        Assert.Equal(3, (await Store.ListAsync(new AlertQuery { Scope = "a" })).Count);
        Assert.Equal([T0.AddMinutes(3), T0.AddMinutes(2)], (await Store.ListAsync(new AlertQuery { Scope = "a", Since = T0.AddMinutes(2) })).Select(x => x.At));
        Assert.Single(await Store.ListAsync(new AlertQuery { Limit = 1 }));
    }

    [Fact]
    public async Task List_ByModel_TakesItsAliasesAndVersionsButNotOtherModelsOrTheLimitOfOthers()
    {
        foreach (var (scope, minute) in new[] { ("credit", 0), ("credit@champion", 1), ("credit:3", 2), ("credit-risk@champion", 3), ("creditx", 4), ("shop-api", 5) })
            await Store.AppendAsync(Alert(scope: scope, minutes: minute));
        // Newer alerts of other scopes do not crowd the model's out of the limit.
        for (var i = 0; i < 5; i++) await Store.AppendAsync(Alert(scope: "shop@champion", minutes: 10 + i));
        var credit = await Store.ListAsync(new AlertQuery { Model = "credit", Limit = 3 });
        Assert.Equal(["credit:3", "credit@champion", "credit"], credit.Select(a => a.Scope));
    }

    [Fact]
    public async Task List_ByModel_TakesTheDeploymentsThatServeIt()
    {
        // Deployment monitoring stores alerts under the deployment's name: 'api' serves credit as champion, 'trial' as challenger.
        foreach (var (name, champion, challenger) in new[] { ("api", "credit@champion", null), ("trial", "shop:1", "credit:4"), ("other", "creditx@champion", "shop@c") })
            await Subject.Deployments.ApplyAsync(new Keel.Core.Deployments.Deployment
            {
                Name = name, Champion = champion, Challenger = challenger, Strategy = challenger is null ? "none" : "canary", SpecText = "endpoint: " + name,
                State = new Keel.Core.Deployments.DeploymentState(Keel.Core.Deployments.RolloutPhase.Created, Keel.Core.Deployments.DeploymentMode.Full, 0, 0),
            }, "ann");
        foreach (var (scope, minute) in new[] { ("api", 0), ("trial", 1), ("other", 2), ("credit@champion", 3) })
            await Store.AppendAsync(Alert(scope: scope, minutes: minute));

        Assert.Equal(["credit@champion", "trial", "api"], (await Store.ListAsync(new AlertQuery { Model = "credit" })).Select(a => a.Scope));
        Assert.Equal(["other", "trial"], (await Store.ListAsync(new AlertQuery { Model = "shop" })).Select(a => a.Scope));
    }

    [Fact]
    public async Task Last_OfScopeAndRule_LatestOrNull()
    {
        Assert.Null(await Store.LastAsync("a", "drift_share > 0.3"));
        await Store.AppendAsync(Alert(scope: "a", rule: "drift_share > 0.3", minutes: 1));
        await Store.AppendAsync(Alert(scope: "a", rule: "drift_share > 0.3", minutes: 9));
        await Store.AppendAsync(Alert(scope: "a", rule: "auc < 0.8", minutes: 20));
        Assert.Equal(T0.AddMinutes(9), (await Store.LastAsync("a", "drift_share > 0.3"))!.At);
    }

    [Fact]
    public async Task Exists_SameScopeRuleWindow_TrueOtherwiseFalse()
    {
        await Store.AppendAsync(Alert(window: "w1"));
        Assert.True(await Store.ExistsAsync("credit-risk@champion", "psi(distance) > 0.2", "w1"));
        Assert.False(await Store.ExistsAsync("credit-risk@champion", "psi(distance) > 0.2", "w2"));
        Assert.False(await Store.ExistsAsync("other", "psi(distance) > 0.2", "w1"));
    }

    [Fact]
    public async Task Append_NaNValue_ReadsBackNaN()
    {
        await Store.AppendAsync(Alert(value: double.NaN));
        Assert.True(double.IsNaN((await Store.ListAsync(new AlertQuery()))[0].Value));
    }

    [Fact]
    public async Task Append_EmptyScope_InputError() =>
        await Assert.ThrowsAsync<KeelInputException>(() => Store.AppendAsync(Alert(scope: " ")));
}
