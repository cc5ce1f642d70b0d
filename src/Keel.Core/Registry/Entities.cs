namespace Keel.Core.Registry;

/// <summary>A registered model name with its current aliases (alias → version).</summary>
public sealed record RegisteredModel(string Name, DateTimeOffset CreatedAt, int LatestVersion, IReadOnlyDictionary<string, int> Aliases);

/// <summary>An immutable model version: the model file, the schema it expects, its metrics, the data it learned from, and its source run.</summary>
public sealed record ModelVersion
{
    public required string Name { get; init; }
    /// <summary>1, 2, 3 … per name, assigned by the registry.</summary>
    public int Version { get; init; }
    public required string SourceRunId { get; init; }
    /// <summary>SHA-256 of the model file in the artifact store.</summary>
    public required string ModelSha256 { get; init; }
    /// <summary>The candidate's name in the run (e.g. "lightgbm").</summary>
    public required string Candidate { get; init; }
    public required string Task { get; init; }
    /// <summary>The input schema as JSON.</summary>
    public required string SchemaJson { get; init; }
    /// <summary>SHA-256 of the training data file (its version).</summary>
    public required string DataSha256 { get; init; }
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One move of an alias: append-only audit record. <see cref="FromVersion"/> is null when the alias was new; <see cref="ToVersion"/> null when removed.</summary>
public sealed record AliasEvent(string Name, string Alias, int? FromVersion, int? ToVersion, DateTimeOffset At, string Actor, string? Reason);
