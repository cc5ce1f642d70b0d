using Keel.Core.Deployments;
using Keel.Serving.Hosting;

namespace Keel.Serving.Tests;

/// <summary>Helpers for tests of a served deployment at run time: serve a file with a fast poll and a fault hook, send rows, wait on the fake clock.</summary>
public abstract class DeploymentTestBase(ServedModelFixture fixture)
{
    /// <summary>How often the served deployment polls the store (on the fixture's fake clock).</summary>
    protected static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    /// <summary>The shared store, registered model and fake clock.</summary>
    protected ServedModelFixture F { get; } = fixture;

    /// <summary>Serves <paramref name="yaml"/> polling the store every <see cref="Poll"/>, with an optional fault hook.</summary>
    protected Task<ServingHost> ServeAsync(string yaml, string? logPath = null, Action<string>? fault = null) =>
        DeploymentTesting.ServeAsync(F, yaml, logPath, d => d with { StatePollInterval = Poll, BeforePredict = fault });

    /// <summary>The fields of a credit_data line (quoted strings, no commas inside).</summary>
    protected static string[] Fields(string line) => line.Split(',').Select(x => x.Trim('"')).ToArray();

    /// <summary>The arm that answered.</summary>
    protected static string Arm(HttpResponseMessage r) => DeploymentTesting.Arm(r);

    /// <summary>POSTs one credit_data row as CSV, with a routing key header when given.</summary>
    protected Task<HttpResponseMessage> PostAsync(HttpClient client, int row, string? key = null) => DeploymentTesting.PostRowAsync(F, client, row, key);

    /// <summary>Advances the fake clock by the poll interval until <paramref name="done"/> holds (a wait, not a timing assertion).</summary>
    protected async Task UntilAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (await done()) return;
            F.Clock.Advance(Poll);
            await Task.Delay(10);
        }
        Assert.Fail("the condition did not come true");
    }

    /// <summary>As `keel deployments promote|rollback|mode` do: a state change written to the store by another process.</summary>
    protected async Task ChangeInStoreAsync(string name, DeploymentEventKind kind, Func<DeploymentState, DeploymentState> to, string? reason = null)
    {
        var d = (await F.Store.Deployments.GetAsync(name))!;
        await F.Store.Deployments.ChangeStateAsync(name, kind, to(d.State), "keel cli (tester)", reason);
    }
}
