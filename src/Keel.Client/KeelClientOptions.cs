namespace Keel.Client;

/// <summary>Where a <see cref="IKeelClient"/> logs to and how it batches and retries.</summary>
public sealed record KeelClientOptions
{
    /// <summary>Base URL of a tracking server, e.g. http://keel.internal:5000/. Default null: log straight to <see cref="Store"/>.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>Bearer token for the server (role write for logging). Default null: none sent.</summary>
    public string? Token { get; init; }

    /// <summary>Local store URI when <see cref="ServerUrl"/> is null (a folder, sqlite:PATH or postgresql://…). Default ".keel".</summary>
    public string Store { get; init; } = ".keel";

    /// <summary>Params, metric points and tags buffered before they are sent in one batch. Default 1000 (the server takes up to 10,000).</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Tries after the first for a request that failed with a network error, 429 or 5xx. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Wait before the first retry; doubled for each further one, capped at 30 seconds. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Clock for metric timestamps and retry waits. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>HTTP handler to send requests through (e.g. a proxy setup). Default null: a plain <see cref="HttpClientHandler"/>.</summary>
    public HttpMessageHandler? Handler { get; init; }
}
