using System.Text;
using Keel.Serving.Hosting;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests;

/// <summary>Serving a deployment file on the fixture's store (port 0, fake clock) and sending it credit_data rows.</summary>
internal static class DeploymentTesting
{
    /// <summary>Serves <paramref name="yaml"/>; the same registered version doubles as the challenger where a test is about routing, not about the models differing.</summary>
    public static async Task<ServingHost> ServeAsync(ServedModelFixture f, string yaml, string? logPath = null,
        Func<DeploymentServeOptions, DeploymentServeOptions>? configure = null, ServeOptions? options = null)
    {
        await f.Store.Registry.SetAliasAsync("credit-risk", "challenger", f.Champion.Version, "tester", null);
        var file = DeploymentFileReader.Parse(yaml, "keel.deploy.yaml");
        var deployment = new DeploymentServeOptions(file, yaml, f.Store.Deployments);
        return await ServingHost.StartAsync((options ?? new ServeOptions()) with { Port = 0, PredictionLogPath = logPath, PredictionLogBatch = 50 },
            f.Store.Registry, f.Store.Artifacts, f.Clock, deployment: configure?.Invoke(deployment) ?? deployment);
    }

    /// <summary>POSTs one credit_data row as CSV, with the routing key in X-Customer-Id when given.</summary>
    public static async Task<HttpResponseMessage> PostRowAsync(ServedModelFixture f, HttpClient client, int row, string? key = null)
    {
        using var content = new StringContent(f.CsvRows([row % 500]), Encoding.UTF8, "text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "invocations") { Content = content };
        if (key is not null) request.Headers.Add("X-Customer-Id", key);
        return await client.SendAsync(request);
    }

    /// <summary>The arm that answered.</summary>
    public static string Arm(HttpResponseMessage r) => r.Headers.GetValues("Keel-Arm").Single();
}
