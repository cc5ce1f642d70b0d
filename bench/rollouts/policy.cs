// Cost of the rollout seam on the request path: Route + Observe per request for each strategy (guards on, window 200),
// and one API token check (PBKDF2, 10,000 iterations). Single thread; figures in nanoseconds or microseconds per call.
// Usage, from the repository root: dotnet run -c Release bench/rollouts/policy.cs
#:project ../../src/Keel.Serving/Keel.Serving.csproj
#:property TreatWarningsAsErrors=false
using System.Diagnostics;
using Keel.Core.Deployments;
using Keel.Serving.Rollouts;

const int N = 200_000;
foreach (var strategy in new[] { "shadow", "canary: {steps: [50, 100], advance_after: {requests: 100000000}}", "blue_green", "ab", "bandit" })
{
    var file = DeploymentFileReader.Parse($"endpoint: bench\nchampion: m@champion\nchallenger: m@challenger\nstrategy: {(strategy.Contains(':') ? "{" + strategy + "}" : strategy)}\n", "bench.yaml");
    var policy = RoutingPolicies.Create(file, RoutingPolicies.InitialState(file), TimeProvider.System, new Random(1));
    policy.Start("bench");
    var rng = new Random(2);
    var keys = Enumerable.Range(0, 1000).Select(i => $"user-{i}").ToArray();
    void Once(int i)
    {
        var d = policy.Route(new RequestContext($"r{i}", keys[i % keys.Length]));
        var score = rng.NextDouble();
        policy.Observe(new ArmOutcome($"r{i}", d.Primary, TimeSpan.FromMilliseconds(5 + rng.NextDouble()), false, score, score > 0.5 ? "bad" : "good"));
        if (d.Shadow is { } s) policy.Observe(new ArmOutcome($"r{i}", s, TimeSpan.FromMilliseconds(5 + rng.NextDouble()), false, score, score > 0.5 ? "bad" : "good"));
    }
    for (var i = 0; i < 20_000; i++) Once(i);
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < N; i++) Once(i);
    sw.Stop();
    Console.WriteLine($"{DeploymentFileReader.Name(file.Strategy.Kind),-10} route+observe: {sw.Elapsed.TotalNanoseconds / N,8:0} ns/request  (phase {policy.State.Phase})");
}
var (token, record) = ApiTokens.Generate("bench", "bench", DateTimeOffset.UnixEpoch);
ApiTokens.Verify(token, record);
var watch = Stopwatch.StartNew();
const int M = 200;
for (var i = 0; i < M; i++) ApiTokens.Verify(token, record);
Console.WriteLine($"token check (PBKDF2-SHA256, {record.Iterations} iterations): {watch.Elapsed.TotalMicroseconds / M:0} µs");
