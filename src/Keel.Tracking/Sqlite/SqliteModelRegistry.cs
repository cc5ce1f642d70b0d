using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Core;
using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using System.Data.Common;

namespace Keel.Tracking.Sqlite;

/// <summary>
/// <see cref="IModelRegistry"/> in the tracking database. Versions are numbered inside BEGIN IMMEDIATE transactions, so two
/// concurrent registrations never get the same number; triggers refuse any edit of a version or an audit event.
/// </summary>
/// <remarks>
/// Setting an alias to the version it already points at is a no-op: nothing is appended and the returned event
/// (from = to = that version) is the one that would have been written, so retried promotions do not pad the audit trail.
/// </remarks>
internal sealed partial class SqliteModelRegistry(StoreDatabase db, TimeProvider time) : IModelRegistry
{
    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public Task<ModelVersion> RegisterAsync(ModelVersion version, CancellationToken ct = default)
    {
        RequireVersion(version);
        return db.WriteAsync((conn, tx) => InsertVersionAsync(conn, tx, version, time.GetUtcNow(), ct), ct);
    }

    public Task<RunCompletionResult> CompleteRunAsync(RunCompletion completion, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var runId = completion.RunId;
        foreach (var (key, value) in completion.Tags)
        {
            SqliteTrackingStore.RequireKey(key, "tag");
            if (value is null) throw new KeelInputException($"run {runId} tag '{key}': expected a value, got null");
        }
        if (completion.Version is { } v)
        {
            RequireVersion(v);
            if (v.SourceRunId != runId)
                throw new KeelInputException($"model '{v.Name}' source run '{v.SourceRunId}': expected the completed run {runId}");
        }
        if (completion.Alias is { } alias)
        {
            if (completion.Version is null) throw new KeelInputException($"alias '{alias}': expected a version to register with it");
            RequireAlias(alias);
            RequireActor(completion.Actor);
        }
        return db.WriteAsync(async (conn, tx) =>
        {
            ModelVersion? version = null;
            AliasEvent? move = null;
            if (completion.Version is { } toRegister)
            {
                version = await InsertVersionAsync(conn, tx, toRegister, completion.EndTime, ct);
                if (completion.Alias is { } a)
                    move = await MoveAliasAsync(conn, tx, version.Name, a, version.Version, completion.Actor, completion.Reason, completion.EndTime, ct);
            }
            var tags = completion.Tags.ToDictionary();
            if (version is not null) tags[RunTags.Registered] = $"{version.Name}:{version.Version.ToString(CultureInfo.InvariantCulture)}";
            // The status check comes last on purpose: a run killed meanwhile (lease expired) makes the whole transaction roll back,
            // so a version never exists for a run that did not finish.
            var updated = await conn.ExecAsync(tx, "UPDATE runs SET status = 'finished', end_time = $t WHERE id = $id AND status = 'running';", ct,
                ("$t", TimeText.Write(completion.EndTime)), ("$id", runId));
            if (updated == 0)
            {
                var status = (string?)await conn.ScalarAsync(tx, "SELECT status FROM runs WHERE id = $id;", ct, ("$id", runId))
                    ?? throw new KeelNotFoundException($"run '{runId}' does not exist");
                throw new KeelInputException($"run {runId} is already {status}; nothing was registered and no alias moved");
            }
            foreach (var (k, value) in tags) await SqliteTrackingStore.UpsertTagAsync(conn, tx, runId, k, value, ct);
            return new RunCompletionResult(version, move);
        }, ct);
    }

    private static async Task<ModelVersion> InsertVersionAsync(DbConnection conn, DbTransaction tx, ModelVersion version, DateTimeOffset at, CancellationToken ct)
    {
        var now = TimeText.Write(at);
        await conn.ExecAsync(tx, "INSERT INTO registered_models (name, created_at) VALUES ($n, $t) ON CONFLICT (name) DO NOTHING;", ct,
            ("$n", version.Name), ("$t", now));
        var number = Convert.ToInt32(await conn.ScalarAsync(tx, "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = $n;", ct, ("$n", version.Name)));
        await conn.ExecAsync(tx, """
            INSERT INTO model_versions (name, version, source_run_id, model_sha256, candidate, task, schema_json, data_sha256, created_at)
            VALUES ($n, $v, $run, $sha, $cand, $task, $schema, $data, $t);
            """, ct, ("$n", version.Name), ("$v", number), ("$run", version.SourceRunId), ("$sha", version.ModelSha256),
            ("$cand", version.Candidate), ("$task", version.Task), ("$schema", version.SchemaJson), ("$data", version.DataSha256), ("$t", now));
        foreach (var (key, value) in version.Metrics)
            await conn.ExecAsync(tx, "INSERT INTO model_version_metrics (name, version, key, value) VALUES ($n, $v, $k, $x);", ct,
                ("$n", version.Name), ("$v", number), ("$k", key), ("$x", SqlCommands.DoubleOrNull(value)));
        return (await LoadVersionsAsync(conn, tx, version.Name, number, ct))[0];
    }

    public Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<RegisteredModel>>((conn, tx) => LoadModelsAsync(conn, tx, null, ct), ct);

    public Task<RegisteredModel?> GetModelAsync(string name, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => (await LoadModelsAsync(conn, tx, name, ct)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string name, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<ModelVersion>>(async (conn, tx) =>
        {
            await RequireModelAsync(conn, tx, name, ct);
            return await LoadVersionsAsync(conn, tx, name, null, ct);
        }, ct);

    public Task<ModelVersion?> GetVersionAsync(string name, int version, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => (await LoadVersionsAsync(conn, tx, name, version, ct)).FirstOrDefault(), ct);

    public Task<ModelVersion?> GetByAliasAsync(string name, string alias, CancellationToken ct = default)
    {
        RequireAlias(alias);
        return db.ReadAsync(async (conn, tx) =>
        {
            var v = await AliasVersionAsync(conn, tx, name, alias, ct);
            return v is null ? null : (await LoadVersionsAsync(conn, tx, name, v.Value, ct)).FirstOrDefault();
        }, ct);
    }

    public Task<AliasEvent> SetAliasAsync(string name, string alias, int version, string actor, string? reason, CancellationToken ct = default)
    {
        RequireAlias(alias);
        RequireActor(actor);
        return db.WriteAsync(async (conn, tx) =>
        {
            await RequireModelAsync(conn, tx, name, ct);
            if (await conn.ScalarAsync(tx, "SELECT 1 FROM model_versions WHERE name = $n AND version = $v;", ct, ("$n", name), ("$v", version)) is null)
                throw new KeelNotFoundException($"model '{name}' has no version {version}");
            return await MoveAliasAsync(conn, tx, name, alias, version, actor, reason, time.GetUtcNow(), ct);
        }, ct);
    }

    private static async Task<AliasEvent> MoveAliasAsync(DbConnection conn, DbTransaction tx, string name, string alias, int version, string actor, string? reason,
        DateTimeOffset at, CancellationToken ct)
    {
        var from = await AliasVersionAsync(conn, tx, name, alias, ct);
        var ev = new AliasEvent(name, alias, from, version, at, actor, reason);
        if (from == version) return ev;
        await conn.ExecAsync(tx, "INSERT INTO aliases (name, alias, version) VALUES ($n, $a, $v) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version;", ct,
            ("$n", name), ("$a", alias), ("$v", version));
        await AppendEventAsync(conn, tx, ev, ct);
        return ev;
    }

    public Task<AliasEvent> DeleteAliasAsync(string name, string alias, string actor, string? reason, CancellationToken ct = default)
    {
        RequireAlias(alias);
        RequireActor(actor);
        return db.WriteAsync(async (conn, tx) =>
        {
            await RequireModelAsync(conn, tx, name, ct);
            var from = await AliasVersionAsync(conn, tx, name, alias, ct)
                ?? throw new KeelNotFoundException($"model '{name}' has no alias '{alias}'");
            await conn.ExecAsync(tx, "DELETE FROM aliases WHERE name = $n AND alias = $a;", ct, ("$n", name), ("$a", alias));
            var ev = new AliasEvent(name, alias, from, null, time.GetUtcNow(), actor, reason);
            await AppendEventAsync(conn, tx, ev, ct);
            return ev;
        }, ct);
    }

    public Task<IReadOnlyList<AliasEvent>> GetAliasHistoryAsync(string name, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<AliasEvent>>(async (conn, tx) =>
        {
            await RequireModelAsync(conn, tx, name, ct);
            return await conn.QueryAsync(tx, "SELECT name, alias, from_version, to_version, at, actor, reason FROM alias_events WHERE name = $n ORDER BY seq;",
                r => new AliasEvent(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3),
                    TimeText.Read(r.GetString(4)), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)), ct, ("$n", name));
        }, ct);

    private static Task<int> AppendEventAsync(DbConnection conn, DbTransaction tx, AliasEvent e, CancellationToken ct) =>
        conn.ExecAsync(tx, "INSERT INTO alias_events (name, alias, from_version, to_version, at, actor, reason) VALUES ($n, $a, $f, $to, $t, $actor, $r);", ct,
            ("$n", e.Name), ("$a", e.Alias), ("$f", e.FromVersion), ("$to", e.ToVersion), ("$t", TimeText.Write(e.At)), ("$actor", e.Actor), ("$r", e.Reason));

    private static async Task<int?> AliasVersionAsync(DbConnection conn, DbTransaction tx, string name, string alias, CancellationToken ct) =>
        await conn.ScalarAsync(tx, "SELECT version FROM aliases WHERE name = $n AND alias = $a;", ct, ("$n", name), ("$a", alias)) is { } v ? Convert.ToInt32(v) : null;

    private static async Task RequireModelAsync(DbConnection conn, DbTransaction tx, string name, CancellationToken ct)
    {
        if (await conn.ScalarAsync(tx, "SELECT 1 FROM registered_models WHERE name = $n;", ct, ("$n", name)) is null)
            throw new KeelNotFoundException($"model '{name}' is not registered");
    }

    private static async Task<IReadOnlyList<RegisteredModel>> LoadModelsAsync(DbConnection conn, DbTransaction tx, string? name, CancellationToken ct)
    {
        var where = name is null ? "" : "WHERE m.name = $n";
        var models = await conn.QueryAsync(tx, $"""
            SELECT m.name, m.created_at, (SELECT COALESCE(MAX(v.version), 0) FROM model_versions v WHERE v.name = m.name)
            FROM registered_models m {where} ORDER BY m.name;
            """, r => (Name: r.GetString(0), At: TimeText.Read(r.GetString(1)), Latest: r.GetInt32(2)), ct, ("$n", name));
        var aliases = await conn.QueryAsync(tx, $"SELECT name, alias, version FROM aliases m {where};",
            r => (Name: r.GetString(0), Alias: r.GetString(1), Version: r.GetInt32(2)), ct, ("$n", name));
        return models.Select(m => new RegisteredModel(m.Name, m.At, m.Latest,
            aliases.Where(a => a.Name == m.Name).ToDictionary(a => a.Alias, a => a.Version))).ToList();
    }

    /// <summary>Versions of <paramref name="name"/> newest first, or just <paramref name="version"/> when given.</summary>
    private static async Task<List<ModelVersion>> LoadVersionsAsync(DbConnection conn, DbTransaction tx, string name, int? version, CancellationToken ct)
    {
        var only = version is null ? "" : "AND version = $v";
        var metrics = await conn.QueryAsync(tx, $"SELECT version, key, value FROM model_version_metrics WHERE name = $n {only};",
            r => (V: r.GetInt32(0), K: r.GetString(1), X: r.GetDoubleOrNaN(2)), ct, ("$n", name), ("$v", version));
        return await conn.QueryAsync(tx, $"""
            SELECT version, source_run_id, model_sha256, candidate, task, schema_json, data_sha256, created_at
            FROM model_versions WHERE name = $n {only} ORDER BY version DESC;
            """, r => new ModelVersion
            {
                Name = name,
                Version = r.GetInt32(0),
                SourceRunId = r.GetString(1),
                ModelSha256 = r.GetString(2),
                Candidate = r.GetString(3),
                Task = r.GetString(4),
                SchemaJson = r.GetString(5),
                DataSha256 = r.GetString(6),
                CreatedAt = TimeText.Read(r.GetString(7)),
                Metrics = metrics.Where(m => m.V == r.GetInt32(0)).ToDictionary(m => m.K, m => m.X),
            }, ct, ("$n", name), ("$v", version));
    }

    private static void RequireVersion(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        RequireName(version.Name);
        if (!ArtifactPath.IsSha256(version.ModelSha256))
            throw new KeelInputException($"model '{version.Name}' model_sha256 '{version.ModelSha256}': expected 64 lower-case hex characters");
    }

    private static void RequireName(string name)
    {
        if (name is null || !NamePattern().IsMatch(name))
            throw new KeelInputException($"model name '{name}': expected a letter or digit then up to 127 letters, digits, '_', '.' or '-'");
    }

    private static void RequireAlias(string alias)
    {
        if (alias is null || !AliasPattern().IsMatch(alias))
            throw new KeelInputException($"alias '{alias}': expected a lower-case letter then up to 63 of a-z, 0-9, '_' or '-'");
    }

    private static void RequireActor(string actor)
    {
        if (string.IsNullOrWhiteSpace(actor)) throw new KeelInputException("alias change actor: expected a non-empty name (who made the change)");
    }
}
