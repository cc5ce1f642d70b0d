namespace Keel.Core.Registry;

/// <summary>Model names, their immutable versions and movable aliases; every alias move is an audit event.</summary>
public interface IModelRegistry
{
    /// <summary>Registers a new version (number assigned: previous latest + 1) and returns it as stored.</summary>
    Task<ModelVersion> RegisterAsync(ModelVersion version, CancellationToken ct = default);

    /// <summary>All registered models, by name.</summary>
    Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken ct = default);

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    Task<RegisteredModel?> GetModelAsync(string name, CancellationToken ct = default);

    /// <summary>All versions of a model, newest first.</summary>
    Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string name, CancellationToken ct = default);

    /// <summary>One version, or null.</summary>
    Task<ModelVersion?> GetVersionAsync(string name, int version, CancellationToken ct = default);

    /// <summary>The version an alias points at, or null.</summary>
    Task<ModelVersion?> GetByAliasAsync(string name, string alias, CancellationToken ct = default);

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/> and appends an <see cref="AliasEvent"/>.</summary>
    /// <exception cref="KeelNotFoundException">No such model or version.</exception>
    Task<AliasEvent> SetAliasAsync(string name, string alias, int version, string actor, string? reason, CancellationToken ct = default);

    /// <summary>Removes an alias and appends an <see cref="AliasEvent"/>.</summary>
    Task<AliasEvent> DeleteAliasAsync(string name, string alias, string actor, string? reason, CancellationToken ct = default);

    /// <summary>
    /// Finishes a running run and, when asked, registers its model version and points an alias at it, all in one transaction: either
    /// the run is finished with the version registered and the alias moved, or nothing changes. Tags are written with it, plus
    /// <see cref="Keel.Core.Tracking.RunTags.Registered"/> when a version is registered.
    /// </summary>
    /// <exception cref="KeelInputException">The run is not running any more (e.g. marked killed), or the version or alias is malformed.</exception>
    /// <exception cref="KeelNotFoundException">No such run.</exception>
    Task<RunCompletionResult> CompleteRunAsync(RunCompletion completion, CancellationToken ct = default);

    /// <summary>Every alias move of a model, oldest first.</summary>
    Task<IReadOnlyList<AliasEvent>> GetAliasHistoryAsync(string name, CancellationToken ct = default);
}
