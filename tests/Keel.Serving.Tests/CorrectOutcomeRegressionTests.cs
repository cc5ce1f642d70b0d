using System.Globalization;
using Keel.Core;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Serving.Rollouts;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Serving.Tests;

/// <summary>An A/B test or bandit judged by whether the answer was right needs a classifier: a regression deployment is refused at start.</summary>
public sealed class CorrectOutcomeRegressionTests : IAsyncLifetime
{
    private const string Spec = """
        experiment: amounts
        data: {path: credit_data.csv, label: Amount}
        models: [zero_rule]
        evaluation: {bootstrap: 0, importance_repeats: 0}
        register: {name: amount, alias: champion}
        seed: 5
        """;

    private RegisteredRun _run = null!;

    public async Task InitializeAsync() => _run = await RegisteredRun.OnCreditDataAsync("keel-correct-regression-", Spec);

    public Task DisposeAsync() => _run.DisposeAsync().AsTask();

    [Theory]
    [InlineData("ab")]
    [InlineData("bandit")]
    public async Task ServeDeployment_CorrectOutcomeOnRegression_RefusedNamingFieldAndModel(string strategy)
    {
        var yaml = $"endpoint: amounts\nchampion: amount@champion\nchallenger: amount:1\nstrategy: {{{strategy}: {{outcome: correct}}}}\n";
        var deployment = new DeploymentServeOptions(DeploymentFileReader.Parse(yaml, "keel.deploy.yaml"), yaml, _run.Store.Deployments);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture));

        var e = await Assert.ThrowsAsync<KeelInputException>(() => ServingHost.StartAsync(new ServeOptions { Port = 0 }, _run.Store.Registry, _run.Store.Artifacts, clock, deployment: deployment));

        Assert.Contains($"strategy.{strategy}.outcome 'correct' needs a classifier's labels, but model 'amount' version 1 is a regression model", e.Message, StringComparison.Ordinal);
        Assert.Null(await _run.Store.Deployments.GetAsync("amounts"));
    }
}
