using Keel.Core;
using Keel.Core.Tracking;
using Keel.Tracking;

namespace Keel.Client;

/// <summary>Entry point: <c>await using var keel = await KeelClient.ConnectAsync(new() { ServerUrl = new("http://host:5000/"), Token = "keel_…" });</c></summary>
public static class KeelClient
{
    /// <summary>A client logging to <see cref="KeelClientOptions.ServerUrl"/>, or, without one, straight to the local <see cref="KeelClientOptions.Store"/>.</summary>
    /// <exception cref="KeelInputException">Options out of range, or the local store cannot be opened.</exception>
    public static async Task<IKeelClient> ConnectAsync(KeelClientOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize is < 1 or > 10_000) throw new KeelInputException($"client batch size {options.BatchSize}: expected 1 to 10000");
        if (options.MaxRetries is < 0 or > 20) throw new KeelInputException($"client retries {options.MaxRetries}: expected 0 to 20");
        if (options.RetryDelay < TimeSpan.Zero) throw new KeelInputException("client retry delay: expected zero or more");
        ITransport transport = options.ServerUrl is not null
            ? new HttpTransport(options)
            : new LocalTransport(await KeelStore.OpenAsync(new StoreOptions { Uri = options.Store, Time = options.Time }, ct));
        return new Client(transport, options);
    }

    /// <summary>The transport of a client made by <see cref="ConnectAsync"/> (tests count retries through it).</summary>
    internal static ITransport TransportOf(IKeelClient client) => ((Client)client).Transport;

    private sealed class Client(ITransport transport, KeelClientOptions options) : IKeelClient
    {
        public ITransport Transport => transport;

        public async Task<IKeelRun> StartRunAsync(string experiment, string? name = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default)
        {
            if (string.IsNullOrWhiteSpace(experiment)) throw new KeelInputException("experiment: expected a non-empty name");
            var id = await transport.CreateRunAsync(experiment, name ?? "run", options.Time.GetUtcNow(), tags ?? new Dictionary<string, string>(), ct);
            return new BufferedRun(id, transport, options);
        }

        public ValueTask DisposeAsync() => transport.DisposeAsync();
    }
}
