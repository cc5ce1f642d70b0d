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

/// <summary>What <see cref="IModelRegistry.CompleteRunAsync"/> does in one transaction: finish a run, and optionally register a version and move an alias.</summary>
public sealed record RunCompletion
{
    /// <summary>The running run to finish; also the registered version's source run.</summary>
    public required string RunId { get; init; }

    /// <summary>The run's end time (also the version's creation time).</summary>
    public required DateTimeOffset EndTime { get; init; }

    /// <summary>Tags to write on the run. Default none.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The version to register (its number is assigned; its source run must be <see cref="RunId"/>). Default null: register nothing.</summary>
    public ModelVersion? Version { get; init; }

    /// <summary>Alias to point at the new version. Default null: no alias move. Needs <see cref="Version"/>.</summary>
    public string? Alias { get; init; }

    /// <summary>Who moves the alias (the user), recorded in the alias history. Default "" (required with <see cref="Alias"/>).</summary>
    public string Actor { get; init; } = "";

    /// <summary>Why, recorded in the alias history. Default null.</summary>
    public string? Reason { get; init; }
}

/// <summary>What a completion stored: the registered version (null when none) and the alias move (null when none).</summary>
public sealed record RunCompletionResult(ModelVersion? Version, AliasEvent? AliasMove);
