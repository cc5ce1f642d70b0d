using Keel.Core.Deployments;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests.Rollouts;

/// <summary>Builds policies from deployment YAML, as the server will, with a fake clock and a fixed seed.</summary>
internal static class Deploy
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DeploymentFile File(string strategy, string extra = "") => DeploymentFileReader.Parse($"""
        endpoint: credit
        champion: credit-risk@champion
        challenger: credit-risk@challenger
        strategy:
        {Indent(strategy)}
        {extra}
        """, "keel.deploy.yaml");

    private static string Indent(string s) => string.Join("\n", s.Split('\n').Select(l => "  " + l));

    /// <summary>A started policy for <paramref name="file"/>.</summary>
    public static IRoutingPolicy Started(DeploymentFile file, FakeTimeProvider time, int seed = 7)
    {
        var policy = RoutingPolicies.Create(file, RoutingPolicies.InitialState(file), time, new Random(seed));
        policy.Start("test");
        return policy;
    }

    /// <summary>Outcome of a healthy request with a score drawn from the same distribution for both arms.</summary>
    public static ArmOutcome Ok(string id, Arm arm, double score, double ms = 10) => new(id, arm, TimeSpan.FromMilliseconds(ms), false, score, score >= 0.5 ? "bad" : "good");

    public static ArmOutcome Failed(string id, Arm arm) => new(id, arm, TimeSpan.FromMilliseconds(5), true, double.NaN);

    public static RolloutPhase Phase(this IRoutingPolicy p) => p.State.Phase;
}
