using System.Threading.Channels;
using Keel.Core;
using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Pipeline.Predict;
using Keel.Serving.Rollouts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Hosting;

/// <summary>What <c>keel serve --deployment FILE</c> serves: the parsed file, its text and the store that keeps the deployment's state.</summary>
/// <param name="File">The parsed deployment file.</param>
/// <param name="Text">The file's text (stored as the deployment's spec version).</param>
/// <param name="Store">Where the deployment and its state changes are recorded.</param>
public sealed record DeploymentServeOptions(DeploymentFile File, string Text, IDeploymentStore Store)
{
    /// <summary>Routing randomness. Default null: one seeded with the file's seed.</summary>
    public Random? Random { get; init; }

    /// <summary>Most shadow copies waiting for the low-priority shadow thread; further ones are dropped and counted, the answer never waits. Default 64.</summary>
    public int MaxShadowInFlight { get; init; } = 64;

    /// <summary>The actor recorded for the server's own changes (creation, start). Default "keel serve".</summary>
    public string Actor { get; init; } = "keel serve";
}

/// <summary>
/// A served deployment: the routing policy built from the file and the stored state, the challenger model, and a background writer
/// that appends every <see cref="RolloutChange"/> to the store in order (requests never wait for the store).
/// </summary>
internal sealed class DeploymentRuntime : BackgroundService
{
    private readonly Channel<RolloutChange> _changes = Channel.CreateUnbounded<RolloutChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DeploymentServeOptions _options;
    private readonly ILogger<DeploymentRuntime> _log;
    private LowPriorityWorker? _shadows;

    private DeploymentRuntime(DeploymentServeOptions options, IRoutingPolicy policy, LoadedModel? challenger, ILogger<DeploymentRuntime> log)
    {
        _options = options;
        Policy = policy;
        Challenger = challenger;
        _log = log;
    }

    public DeploymentFile File => _options.File;

    /// <summary>The champion's registered name: the catalog serves it (and follows its alias).</summary>
    public string ChampionName => File.Champion.Name;

    public IRoutingPolicy Policy { get; }

    /// <summary>The challenger, loaded and verified beside the champion; null when the file has none.</summary>
    public LoadedModel? Challenger { get; }

    /// <summary>The header the sticky routing key is read from, or null.</summary>
    public string? KeyHeader => File.RoutingKey?.Header;

    /// <summary>The champion reference the catalog must load.</summary>
    public static Keel.Pipeline.Predict.ModelReference ChampionReference(DeploymentFile file) => Keel.Pipeline.Predict.ModelReference.Parse(file.Champion.ToString());

    /// <summary>Loads the challenger, creates or updates the deployment in the store, builds the policy from the stored state and starts it when new.</summary>
    public static async Task<DeploymentRuntime> CreateAsync(DeploymentServeOptions options, IModelRegistry registry, IArtifactStore artifacts,
        TimeProvider time, ILogger<DeploymentRuntime> log, CancellationToken ct)
    {
        var file = options.File;
        if (file.RoutingKey is { Field: { } field })
            throw new KeelInputException($"{file.Source}, field 'routing_key.field' ({field}): the server reads the routing key from a header only for now; use routing_key: {{header: NAME}}.");
        LoadedModel? challenger = null;
        if (file.Challenger is { } c)
        {
            var version = await ModelLoader.ResolveAsync(registry, Keel.Pipeline.Predict.ModelReference.Parse(c.ToString()), ct);
            challenger = await ModelLoader.LoadAsync(artifacts, version, ct);
            log.LogInformation("Loaded challenger {Reference} as version {Version} ({Candidate})", c, version.Version, version.Candidate);
        }
        var store = options.Store;
        await store.ApplyAsync(RoutingPolicies.ToDeployment(file, options.Text), options.Actor, ct);
        var stored = await store.GetAsync(file.Endpoint, ct) ?? throw new KeelNotFoundException($"deployment '{file.Endpoint}' vanished from the store.");
        var policy = RoutingPolicies.Create(file, stored.State, time, options.Random);
        if (stored.State.Phase == RolloutPhase.Created && file.Challenger is not null)
        {
            var start = policy.Start(options.Actor);
            await store.ChangeStateAsync(file.Endpoint, start.Kind, start.To, start.Actor, start.Reason, ct);
        }
        log.LogInformation("Deployment {Endpoint}: {Strategy}, {Phase}, challenger {Percent}%", file.Endpoint, stored.Strategy, policy.State.Phase, policy.State.ChallengerPercent);
        return new DeploymentRuntime(options, policy, challenger, log);
    }

    /// <summary>Hands an arm's outcome to the policy and queues the change it makes, if any.</summary>
    public void Observe(ArmOutcome outcome)
    {
        if (Policy.Observe(outcome) is { } change) _changes.Writer.TryWrite(change);
    }

    /// <summary>
    /// Queues <paramref name="work"/> for the low-priority shadow thread unless <see cref="DeploymentServeOptions.MaxShadowInFlight"/>
    /// copies are waiting (then false; nothing runs): answers keep the cores, shadow copies get what is left.
    /// </summary>
    public bool TryShadow(Action work)
    {
        var shadows = LazyInitializer.EnsureInitialized(ref _shadows, () => new LowPriorityWorker(_options.MaxShadowInFlight, "keel-shadow"));
        return shadows.TryQueue(() =>
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "Shadow copy failed: {Message}", e.Message);
            }
        });
    }

    /// <summary>Ends the shadow thread (queued copies finish first).</summary>
    public override void Dispose()
    {
        _shadows?.Dispose();
        base.Dispose();
    }

    /// <summary>The outcome's score for guards and agreement: positive-class (second class) probability for binary, highest probability for multiclass, the value for regression; first row.</summary>
    public static (double Score, string? Label) ScoreOf(Predictions p)
    {
        if (p.Count == 0) return (double.NaN, null);
        if (p.Probabilities is { } probabilities)
        {
            var k = p.PredictedClassIndices()[0];
            var row = probabilities[0];
            return (row.Length == 2 ? row[1] : row[k], p.Classes[k]);
        }
        return (p.Values![0], null);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Drains every queued change, also after a stop was asked, so no recorded rollback is lost on a graceful stop.
        await foreach (var change in _changes.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await _options.Store.ChangeStateAsync(File.Endpoint, change.Kind, change.To, change.Actor, change.Reason, CancellationToken.None);
                _log.LogWarning("Deployment {Endpoint}: {Kind} to {Phase} at {Percent}% ({Reason})", File.Endpoint, change.Kind, change.To.Phase, change.To.ChallengerPercent, change.Reason);
            }
            catch (Exception e)
            {
                _log.LogError(e, "Could not record {Kind} of deployment {Endpoint}: {Message}", change.Kind, File.Endpoint, e.Message);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _changes.Writer.TryComplete();
        if (ExecuteTask is { } running) await running.WaitAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
    }
}
