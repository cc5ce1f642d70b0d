using System.Security.Cryptography;
using Keel.Core;
using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Data.Binding;
using Keel.Training;

namespace Keel.Pipeline.Predict;

/// <summary>Finds registered versions and loads them: the file is checked against the SHA-256 recorded at registration, then warmed up.</summary>
public static class ModelLoader
{
    /// <summary>The version <paramref name="reference"/> names now (alias target, pinned version or latest).</summary>
    /// <exception cref="KeelNotFoundException">No such model, alias or version.</exception>
    public static async Task<ModelVersion> ResolveAsync(IModelRegistry registry, ModelReference reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(reference);
        var model = await registry.GetModelAsync(reference.Name, ct)
            ?? throw new KeelNotFoundException($"model '{reference}': no registered model called '{reference.Name}'; `keel models list` shows them.");
        var version = reference switch
        {
            { Alias: { } alias } => Aliased(model, alias)
                ?? throw new KeelNotFoundException($"model '{reference}': '{reference.Name}' has no alias '{alias}'; its aliases: {(model.Aliases.Count == 0 ? "none" : string.Join(", ", model.Aliases.Keys))}; '{reference.Name}' alone names its latest version, {model.LatestVersion}."),
            { Version: { } pinned } => pinned,
            _ => model.LatestVersion,
        };
        return await registry.GetVersionAsync(reference.Name, version, ct)
            ?? throw new KeelNotFoundException($"model '{reference}': version {version} does not exist; versions are 1..{model.LatestVersion}.");
    }

    /// <summary>The version number <paramref name="reference"/> (NAME, NAME@ALIAS or NAME:VERSION) names now, or null when its model or
    /// alias is gone: for showing what a deployment's references point at.</summary>
    public static async Task<int?> CurrentVersionAsync(IModelRegistry registry, string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var r = ModelReference.Parse(reference);
        return await registry.GetModelAsync(r.Name, ct) is { } model ? CurrentVersion(model, r) : null;
    }

    /// <summary>The version number <paramref name="reference"/> names in <paramref name="model"/>, or null when the alias is gone.</summary>
    public static int? CurrentVersion(RegisteredModel model, ModelReference reference)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(reference);
        return reference switch
        {
            { Alias: { } alias } => Aliased(model, alias),
            { Version: { } pinned } => pinned,
            _ => model.LatestVersion,
        };
    }

    /// <summary>The version <paramref name="alias"/> points at; for "latest" without such an alias, the latest version.</summary>
    private static int? Aliased(RegisteredModel model, string alias) =>
        model.Aliases.TryGetValue(alias, out var v) ? v : alias == ModelReference.Latest ? model.LatestVersion : null;

    /// <summary>Reads the version's model file, verifies its SHA-256 against the registry, loads and warms it up (one all-missing row).</summary>
    /// <exception cref="KeelInputException">The file's hash differs from the one recorded at registration (message names both), or it is unreadable.</exception>
    public static async Task<LoadedModel> LoadAsync(IArtifactStore artifacts, ModelVersion version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentNullException.ThrowIfNull(version);
        var label = $"model '{version.Name}' version {version.Version}";
        byte[] bytes;
        try
        {
            await using var stream = await artifacts.OpenReadAsync(version.ModelSha256, ct);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        catch (KeelNotFoundException e)
        {
            throw new KeelNotFoundException($"{label}: its model file (SHA-256 {version.ModelSha256}) is not in the artifact store; {e.Message}");
        }
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, version.ModelSha256, StringComparison.OrdinalIgnoreCase))
            throw new KeelInputException(
                $"{label}: refusing to serve a changed model file: its SHA-256 is {actual} but {version.ModelSha256} was recorded at registration.");
        OpenedPackage package;
        using (var s = new MemoryStream(bytes, writable: false)) package = ModelPackage.Open(s);
        var loaded = new LoadedModel(version, package.Model) { MissingTokens = package.MissingTokens ?? BindingOptions.Default.MissingTokens };
        WarmUp(loaded);
        return loaded;
    }

    /// <summary>Predicts one row with every value missing, so the first request does not pay for JIT and lazy initialisation.</summary>
    private static void WarmUp(LoadedModel model)
    {
        var builder = new SchemaBoundTableBuilder(model.InputSchema, 1, model.Binding with { Source = "warm-up" });
        for (var c = 0; c < model.InputSchema.Columns.Count; c++) builder.MarkPresent(c);
        model.Predict(builder.Build());
    }
}
