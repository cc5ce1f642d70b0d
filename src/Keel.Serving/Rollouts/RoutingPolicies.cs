using Keel.Core.Deployments;

namespace Keel.Serving.Rollouts;

/// <summary>Builds the policy a deployment file asks for.</summary>
public static class RoutingPolicies
{
    /// <summary>
    /// The policy for <paramref name="file"/>, starting from <paramref name="state"/> (the stored state, so a restarted server resumes where
    /// it was). <paramref name="random"/> defaults to one seeded with the file's seed.
    /// </summary>
    public static IRoutingPolicy Create(DeploymentFile file, DeploymentState state, TimeProvider time, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var context = new RolloutContext(time, random ?? new Random(file.Seed));
        return file.Strategy.Kind switch
        {
            StrategyKind.Shadow => new ShadowPolicy(file, state, context),
            StrategyKind.Canary => new CanaryPolicy(file, state, context),
            StrategyKind.BlueGreen => new BlueGreenPolicy(file, state, context),
            StrategyKind.Ab => new AbPolicy(file, state, context),
            StrategyKind.Bandit => new BanditPolicy(file, state, context),
            _ => new ChampionOnlyPolicy(file, state, context),
        };
    }

    /// <summary>The state a deployment created from <paramref name="file"/> starts in: created, the file's mode, no challenger traffic.</summary>
    public static DeploymentState InitialState(DeploymentFile file) => new(RolloutPhase.Created, file.Mode, 0, 0);

    /// <summary>The store record for <paramref name="file"/> and its text, in its initial state.</summary>
    public static Deployment ToDeployment(DeploymentFile file, string text) => new()
    {
        Name = file.Endpoint,
        Champion = file.Champion.ToString(),
        Challenger = file.Challenger?.ToString(),
        Strategy = DeploymentFileReader.Name(file.Strategy.Kind),
        SpecText = text,
        State = InitialState(file),
    };
}
