using System.Globalization;
using Keel.Core;
using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using System.Data.Common;

namespace Keel.Tracking.Sqlite;

/// <summary><see cref="ITrackingStore"/> over one SQLite file; every write is one transaction.</summary>
internal sealed class SqliteTrackingStore(StoreDatabase db, TimeProvider time) : ITrackingStore
{
    private const int MinPrefix = 6;
    private const int MaxKeyLength = 250;

    public Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken ct = default)
    {
        RequireName(name, "experiment name");
        return db.WriteAsync(async (conn, tx) =>
        {
            var found = await FindExperimentAsync(conn, tx, name, ct);
            if (found is not null) return found;
            var created = new Experiment(Ids.New(), name, time.GetUtcNow());
            await conn.ExecAsync(tx, "INSERT INTO experiments (id, name, created_at) VALUES ($id, $name, $at);", ct,
                ("$id", created.Id), ("$name", name), ("$at", TimeText.Write(created.CreatedAt)));
            return created;
        }, ct);
    }

    public Task<Experiment?> FindExperimentAsync(string name, CancellationToken ct = default) =>
        db.ReadAsync((conn, tx) => FindExperimentAsync(conn, tx, name, ct), ct);

    public Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<Experiment>>(async (conn, tx) =>
            await conn.QueryAsync(tx, "SELECT id, name, created_at FROM experiments ORDER BY created_at, id;", ReadExperiment, ct), ct);

    public Task<Run> CreateRunAsync(string experimentId, string name, DateTimeOffset startTime, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var key in tags.Keys) RequireKey(key, "tag");
        return db.WriteAsync(async (conn, tx) =>
        {
            if (await conn.ScalarAsync(tx, "SELECT 1 FROM experiments WHERE id = $id;", ct, ("$id", experimentId)) is null)
                throw new KeelNotFoundException($"experiment '{experimentId}' does not exist");
            var id = Ids.New();
            await conn.ExecAsync(tx, "INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ($id, $e, $n, 'running', $t);", ct,
                ("$id", id), ("$e", experimentId), ("$n", name), ("$t", TimeText.Write(startTime)));
            foreach (var (k, v) in tags) await UpsertTagAsync(conn, tx, id, k, v, ct);
            return (await LoadRunsAsync(conn, tx, [id], ct))[0];
        }, ct);
    }

    public Task LogBatchAsync(string runId, LogBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var (key, value) in batch.Params)
        {
            RequireKey(key, "param");
            if (value is null) throw new KeelInputException($"run {runId} param '{key}': expected a value, got null");
        }
        foreach (var key in batch.Tags.Keys) RequireKey(key, "tag");
        foreach (var point in batch.Metrics) RequireKey(point.Key, "metric");
        if (batch.IdempotencyKey is { } k && (k.Length is 0 or > 200 || k.Any(char.IsControl)))
            throw new KeelInputException($"run {runId} batch key '{k}': expected 1 to 200 printable characters");
        return db.WriteAsync(async (conn, tx) =>
        {
            await RequireRunAsync(conn, tx, runId, ct);
            if (batch.IdempotencyKey is { } batchKey)
            {
                // In the batch's own transaction: the key is stored if and only if the batch is.
                if (await conn.ScalarAsync(tx, "SELECT 1 FROM applied_batches WHERE run_id = $r AND batch_key = $k;", ct, ("$r", runId), ("$k", batchKey)) is not null)
                    return 0;
                await conn.ExecAsync(tx, "INSERT INTO applied_batches (run_id, batch_key) VALUES ($r, $k);", ct, ("$r", runId), ("$k", batchKey));
            }
            foreach (var (key, value) in batch.Params)
            {
                var existing = (string?)await conn.ScalarAsync(tx, "SELECT value FROM params WHERE run_id = $r AND key = $k;", ct, ("$r", runId), ("$k", key));
                if (existing is null)
                    await conn.ExecAsync(tx, "INSERT INTO params (run_id, key, value) VALUES ($r, $k, $v);", ct, ("$r", runId), ("$k", key), ("$v", value));
                else if (existing != value)
                    throw new KeelInputException($"run {runId} param '{key}': already set to '{existing}', cannot change it to '{value}'");
            }
            foreach (var (key, value) in batch.Tags) await UpsertTagAsync(conn, tx, runId, key, value, ct);
            await InsertMetricsAsync(conn, tx, runId, batch.Metrics, ct);
            return 0;
        }, ct);
    }

    public Task SetRunStatusAsync(string runId, RunStatus status, DateTimeOffset endTime, CancellationToken ct = default) =>
        db.WriteAsync(async (conn, tx) =>
        {
            var current = StatusOf(await RequireRunAsync(conn, tx, runId, ct));
            if (status == RunStatus.Running)
                throw new KeelInputException($"run {runId} status: expected finished, failed or killed; a run cannot be set back to running");
            if (current != RunStatus.Running)
                throw new KeelInputException($"run {runId} status: already {StatusText(current)}; only a running run can change status");
            await conn.ExecAsync(tx, "UPDATE runs SET status = $s, end_time = $t WHERE id = $id;", ct,
                ("$s", StatusText(status)), ("$t", TimeText.Write(endTime)), ("$id", runId));
            return 0;
        }, ct);

    public Task<Run?> GetRunAsync(string runId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var id = runId.Trim().ToLowerInvariant();
        return db.ReadAsync(async (conn, tx) =>
        {
            if (await conn.ScalarAsync(tx, "SELECT 1 FROM runs WHERE id = $id;", ct, ("$id", id)) is not null)
                return (await LoadRunsAsync(conn, tx, [id], ct))[0];
            if (id.Length < MinPrefix)
                throw new KeelInputException($"run id '{runId}': expected a run id or a prefix of at least {MinPrefix} characters");
            if (!Ids.IsHex(id)) return null;
            var matches = await conn.QueryAsync(tx, "SELECT id FROM runs WHERE substr(id, 1, $n) = $p ORDER BY id LIMIT 11;", r => r.GetString(0), ct,
                ("$n", id.Length), ("$p", id));
            return matches.Count switch
            {
                0 => null,
                1 => (await LoadRunsAsync(conn, tx, matches, ct))[0],
                _ => throw new KeelInputException($"run id prefix '{runId}' is ambiguous; it matches {string.Join(", ", matches.Take(10))}{(matches.Count > 10 ? ", ..." : "")}"),
            };
        }, ct);
    }

    public Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<MetricPoint>>(async (conn, tx) =>
        {
            await RequireRunAsync(conn, tx, runId, ct);
            return await conn.QueryAsync(tx, "SELECT key, value, step, timestamp FROM metrics WHERE run_id = $r AND key = $k ORDER BY step, timestamp, seq;",
                r => new MetricPoint(r.GetString(0), r.GetDoubleOrNaN(1), r.GetInt64(2), TimeText.Read(r.GetString(3))), ct, ("$r", runId), ("$k", key));
        }, ct);

    public Task<IReadOnlyList<MetricSummary>> SummarizeMetricsAsync(IReadOnlyList<string> runIds, IReadOnlyList<string> keys, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        ArgumentNullException.ThrowIfNull(keys);
        if (runIds.Count > 1000 || keys.Count > 100)
            throw new KeelInputException($"metric summary of {runIds.Count} runs and {keys.Count} metrics: expected at most 1000 runs and 100 metrics per call");
        if (runIds.Count == 0) return Task.FromResult<IReadOnlyList<MetricSummary>>([]);
        var args = runIds.Select((id, i) => ("$i" + i.ToString(CultureInfo.InvariantCulture), (object?)id))
            .Concat(keys.Select((k, i) => ("$k" + i.ToString(CultureInfo.InvariantCulture), (object?)k))).ToArray();
        var runList = string.Join(", ", args.Take(runIds.Count).Select(a => a.Item1));
        var keyFilter = keys.Count == 0 ? "" : $" AND {{0}}.key IN ({string.Join(", ", args.Skip(runIds.Count).Select(a => a.Item1))})";
        // Two reads over the (run_id, key) indexes: the latest row per key, and the aggregate of the history of the same keys.
        var latestSql = $"SELECT l.run_id, l.key, l.value, l.step FROM latest_metrics l WHERE l.run_id IN ({runList}){string.Format(CultureInfo.InvariantCulture, keyFilter, "l")} ORDER BY l.run_id, l.key;";
        var rangeSql = $"SELECT m.run_id, m.key, MIN(m.value), MAX(m.value), COUNT(*) FROM metrics m WHERE m.run_id IN ({runList}){string.Format(CultureInfo.InvariantCulture, keyFilter, "m")} GROUP BY m.run_id, m.key;";
        return db.ReadAsync<IReadOnlyList<MetricSummary>>(async (conn, tx) =>
        {
            var ranges = (await conn.QueryAsync(tx, rangeSql, r => (Run: r.GetString(0), Key: r.GetString(1), Min: r.GetDoubleOrNaN(2), Max: r.GetDoubleOrNaN(3), Count: r.GetLong(4)), ct, args))
                .ToDictionary(r => (r.Run, r.Key));
            return await conn.QueryAsync(tx, latestSql, r =>
            {
                var (run, key) = (r.GetString(0), r.GetString(1));
                var range = ranges.TryGetValue((run, key), out var g) ? g : (run, key, double.NaN, double.NaN, 0L);
                return new MetricSummary(run, key, r.GetDoubleOrNaN(2), r.GetInt64(3), range.Item3, range.Item4, range.Item5);
            }, ct, args);
        }, ct);
    }

    public Task<IReadOnlyDictionary<string, int>> CountChildRunsAsync(IReadOnlyList<string> parentIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parentIds);
        if (parentIds.Count > 1000) throw new KeelInputException($"child runs of {parentIds.Count} runs: expected at most 1000 runs per call");
        if (parentIds.Count == 0) return Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>());
        var args = parentIds.Select((id, i) => ("$p" + i.ToString(CultureInfo.InvariantCulture), (object?)id)).ToArray();
        // The key is written out, not a parameter, so both backends use the partial index tags_parent (schema version 11).
        var sql = $"SELECT t.value, COUNT(*) FROM tags t WHERE t.key = '{RunTags.Parent}' AND t.value IN ({string.Join(", ", args.Select(a => a.Item1))}) GROUP BY t.value;";
        return db.ReadAsync<IReadOnlyDictionary<string, int>>(async (conn, tx) =>
            (await conn.QueryAsync(tx, sql, r => (Parent: r.GetString(0), Count: r.GetLong(1)), ct, args)).ToDictionary(r => r.Parent, r => (int)r.Count), ct);
    }

    public Task<RunPage> SearchRunsAsync(RunQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MaxResults is < 1 or > 1000)
            throw new KeelInputException($"run search max_results {query.MaxResults}: expected 1..1000");
        var sql = RunQuerySql.Build(query.Filter, query.OrderBy, query.ExperimentIds, query.TopLevel);
        var fingerprint = PageToken.Fingerprint(query.Filter, query.OrderBy, query.ExperimentIds, query.TopLevel);
        var after = PageToken.Decode(query.PageToken, fingerprint, sql.Keys.Select(k => k.Kind).ToArray());
        var where = after is null ? sql.Where : $"({sql.Where}) AND {sql.After(after)}";
        var keys = string.Join(", ", sql.Keys.Select(k => k.Sql));
        var text = $"SELECT r.id, {keys} FROM runs r WHERE {where} ORDER BY {sql.OrderBy} LIMIT $limit;";
        var args = sql.Args.Append(("$limit", query.MaxResults + 1)).ToArray();
        return db.ReadAsync(async (conn, tx) =>
        {
            var rows = await conn.QueryAsync(tx, text, r => (Id: r.GetString(0), Keys: Enumerable.Range(1, sql.Keys.Count).Select(i => r.IsDBNull(i) ? null : r.GetValue(i)).ToArray()), ct, args);
            var more = rows.Count > query.MaxResults;
            if (more) rows.RemoveAt(rows.Count - 1);
            var runs = await LoadRunsAsync(conn, tx, rows.Select(r => r.Id).ToList(), ct);
            return new RunPage(runs, more ? PageToken.Encode(fingerprint, rows[^1].Keys) : null);
        }, ct);
    }

    public Task LogArtifactAsync(string runId, ArtifactEntry artifact, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var path = ValidPath(artifact.Path);
        if (!ArtifactPath.IsSha256(artifact.Sha256))
            throw new KeelInputException($"artifact '{artifact.Path}' sha256 '{artifact.Sha256}': expected 64 lower-case hex characters");
        if (artifact.Bytes < 0) throw new KeelInputException($"artifact '{artifact.Path}' bytes {artifact.Bytes}: expected 0 or more");
        return db.WriteAsync(async (conn, tx) =>
        {
            await RequireRunAsync(conn, tx, runId, ct);
            var existing = (string?)await conn.ScalarAsync(tx, "SELECT sha256 FROM artifacts WHERE run_id = $r AND path = $p;", ct, ("$r", runId), ("$p", path));
            if (existing == artifact.Sha256) return 0;
            if (existing is not null)
                throw new KeelInputException($"run {runId} artifact '{path}': already logged with different content ({existing[..12]}…); paths are unique per run");
            await conn.ExecAsync(tx, "INSERT INTO artifacts (run_id, path, sha256, bytes) VALUES ($r, $p, $s, $b);", ct,
                ("$r", runId), ("$p", path), ("$s", artifact.Sha256), ("$b", artifact.Bytes));
            return 0;
        }, ct);
    }

    public Task<IReadOnlyList<ArtifactEntry>> ListArtifactsAsync(string runId, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<ArtifactEntry>>(async (conn, tx) =>
        {
            await RequireRunAsync(conn, tx, runId, ct);
            return await conn.QueryAsync(tx, "SELECT path, sha256, bytes FROM artifacts WHERE run_id = $r ORDER BY path;",
                r => new ArtifactEntry(r.GetString(0), r.GetString(1), r.GetInt64(2)), ct, ("$r", runId));
        }, ct);

    public Task<bool> HeartbeatAsync(string runId, DateTimeOffset at, CancellationToken ct = default) =>
        db.WriteAsync(async (conn, tx) =>
        {
            var status = await RequireRunAsync(conn, tx, runId, ct);
            if (status != "running") return false;
            await conn.ExecAsync(tx, "UPDATE runs SET heartbeat_at = $t WHERE id = $id;", ct, ("$t", TimeText.Write(at)), ("$id", runId));
            return true;
        }, ct);

    public Task<IReadOnlyList<string>> KillStaleRunsAsync(DateTimeOffset heartbeatBefore, DateTimeOffset endTime, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return db.WriteAsync<IReadOnlyList<string>>(async (conn, tx) =>
        {
            // Select and update under one write lock, so a heartbeat cannot slip in between and a run is never killed twice.
            var stale = await conn.QueryAsync(tx, "SELECT id FROM runs WHERE status = 'running' AND COALESCE(heartbeat_at, start_time) < $cut ORDER BY start_time, id;",
                r => r.GetString(0), ct, ("$cut", TimeText.Write(heartbeatBefore)));
            foreach (var id in stale)
            {
                await conn.ExecAsync(tx, "UPDATE runs SET status = 'killed', end_time = $t WHERE id = $id;", ct, ("$t", TimeText.Write(endTime)), ("$id", id));
                await UpsertTagAsync(conn, tx, id, RunTags.KilledReason, reason, ct);
            }
            return stale;
        }, ct);
    }

    public Task DeleteRunAsync(string runId, CancellationToken ct = default) =>
        db.WriteAsync(async (conn, tx) =>
        {
            if (await RequireRunAsync(conn, tx, runId, ct) == "running")
                throw new KeelInputException($"run {runId} is running; only a finished, failed or killed run can be deleted");
            var versions = await conn.QueryAsync(tx, "SELECT name, version FROM model_versions WHERE source_run_id = $r ORDER BY name, version;",
                r => $"{r.GetString(0)} v{r.GetInt32(1).ToString(CultureInfo.InvariantCulture)}", ct, ("$r", runId));
            if (versions.Count > 0)
                throw new KeelInputException($"run {runId} cannot be deleted: registered model version(s) {string.Join(", ", versions)} come from it, and versions are kept with the run they were trained in");
            foreach (var table in new[] { "params", "tags", "metrics", "latest_metrics", "artifacts", "applied_batches" })
                await conn.ExecAsync(tx, $"DELETE FROM {table} WHERE run_id = $r;", ct, ("$r", runId));
            await conn.ExecAsync(tx, "DELETE FROM runs WHERE id = $r;", ct, ("$r", runId));
            return 0;
        }, ct);

    public Task<IReadOnlySet<string>> ListArtifactHashesAsync(CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlySet<string>>(async (conn, tx) =>
            (await conn.QueryAsync(tx, "SELECT DISTINCT sha256 FROM artifacts;", r => r.GetString(0), ct)).ToHashSet(StringComparer.Ordinal), ct);

    /// <summary>Normalises a run-relative artifact path or says why it is refused.</summary>
    internal static string ValidPath(string path)
    {
        try { return ArtifactPath.Validate(path); }
        catch (ArgumentException e) { throw new KeelInputException($"artifact path: {e.Message}", e); }
    }

    private static async Task<Experiment?> FindExperimentAsync(DbConnection conn, DbTransaction tx, string name, CancellationToken ct) =>
        (await conn.QueryAsync(tx, "SELECT id, name, created_at FROM experiments WHERE name = $n;", ReadExperiment, ct, ("$n", name))).FirstOrDefault();

    private static Experiment ReadExperiment(DbDataReader r) => new(r.GetString(0), r.GetString(1), TimeText.Read(r.GetString(2)));

    private static async Task<string> RequireRunAsync(DbConnection conn, DbTransaction tx, string runId, CancellationToken ct) =>
        (string?)await conn.ScalarAsync(tx, "SELECT status FROM runs WHERE id = $id;", ct, ("$id", runId))
        ?? throw new KeelNotFoundException($"run '{runId}' does not exist");

    internal static Task<int> UpsertTagAsync(DbConnection conn, DbTransaction tx, string runId, string key, string value, CancellationToken ct) =>
        conn.ExecAsync(tx, "INSERT INTO tags (run_id, key, value) VALUES ($r, $k, $v) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value;", ct,
            ("$r", runId), ("$k", key), ("$v", value ?? throw new KeelInputException($"run {runId} tag '{key}': expected a value, got null")));

    private const int MetricRowsPerStatement = 200;

    /// <summary>INSERT statements for 1..<see cref="MetricRowsPerStatement"/> metric rows, built once per row count.</summary>
    private static readonly string[] MetricInserts = Enumerable.Range(0, MetricRowsPerStatement + 1).Select(n =>
        "INSERT INTO metrics (run_id, key, value, step, timestamp) VALUES " +
        string.Join(", ", Enumerable.Range(0, n).Select(i => $"($r, $k{i}, $v{i}, $s{i}, $t{i})")) + ";").ToArray();

    /// <summary>Upserts of 1..<see cref="MetricRowsPerStatement"/> latest points, kept only when not older than the stored one.</summary>
    private static readonly string[] LatestUpserts = Enumerable.Range(0, MetricRowsPerStatement + 1).Select(n =>
        "INSERT INTO latest_metrics (run_id, key, value, step, timestamp) VALUES " +
        string.Join(", ", Enumerable.Range(0, n).Select(i => $"($r, $k{i}, $v{i}, $s{i}, $t{i})")) + """

        ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, step = excluded.step, timestamp = excluded.timestamp
        WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND excluded.timestamp >= latest_metrics.timestamp);
        """).ToArray();

    /// <summary>
    /// Appends the points to the history in multi-row statements (one round trip per 200 points, not two per point), then moves
    /// each key's latest point once: the batch's latest (greatest step, then time; the later of equal ones), kept only if it
    /// is not older than the stored one, as point-by-point upserts in batch order would leave it.
    /// </summary>
    private static async Task InsertMetricsAsync(DbConnection conn, DbTransaction tx, string runId, IReadOnlyList<MetricPoint> points, CancellationToken ct)
    {
        await WriteRowsAsync(conn, tx, runId, points, MetricInserts, ct);
        var latest = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
        foreach (var p in points)
            if (!latest.TryGetValue(p.Key, out var best) || p.Step > best.Step || (p.Step == best.Step && p.Timestamp >= best.Timestamp))
                latest[p.Key] = p;
        // The latest point per key is kept alongside the history so filters and ordering read one row per run: one statement
        // for all keys of the batch (each key once, so the upsert never meets its own row twice).
        await WriteRowsAsync(conn, tx, runId, latest.Values.ToArray(), LatestUpserts, ct);
    }

    /// <summary>Runs <paramref name="statements"/>[n] for each chunk of up to <see cref="MetricRowsPerStatement"/> points.</summary>
    private static async Task WriteRowsAsync(DbConnection conn, DbTransaction tx, string runId, IReadOnlyList<MetricPoint> points, string[] statements, CancellationToken ct)
    {
        for (var start = 0; start < points.Count; start += MetricRowsPerStatement)
        {
            var n = Math.Min(MetricRowsPerStatement, points.Count - start);
            var args = new (string, object?)[1 + 4 * n];
            args[0] = ("$r", runId);
            for (var i = 0; i < n; i++)
            {
                var p = points[start + i];
                var name = i.ToString(CultureInfo.InvariantCulture);
                args[1 + 4 * i] = ("$k" + name, p.Key);
                args[2 + 4 * i] = ("$v" + name, SqlCommands.DoubleOrNull(p.Value));
                args[3 + 4 * i] = ("$s" + name, p.Step);
                args[4 + 4 * i] = ("$t" + name, TimeText.Write(p.Timestamp));
            }
            await conn.ExecAsync(tx, statements[n], ct, args);
        }
    }

    /// <summary>Builds full <see cref="Run"/> snapshots for <paramref name="ids"/>, in that order.</summary>
    private static async Task<List<Run>> LoadRunsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var args = ids.Select((id, i) => ("$i" + i.ToString(CultureInfo.InvariantCulture), (object?)id)).ToArray();
        var inList = string.Join(", ", args.Select(a => a.Item1));
        var kv = new Dictionary<string, (Dictionary<string, string> P, Dictionary<string, string> T, Dictionary<string, double> M)>();
        foreach (var id in ids) kv[id] = ([], [], []);
        foreach (var (table, pick) in new (string, Func<string, Dictionary<string, string>>)[] { ("params", id => kv[id].P), ("tags", id => kv[id].T) })
            foreach (var (run, k, v) in await conn.QueryAsync(tx, $"SELECT run_id, key, value FROM {table} WHERE run_id IN ({inList});", r => (r.GetString(0), r.GetString(1), r.GetString(2)), ct, args))
                pick(run)[k] = v;
        foreach (var (run, k, v) in await conn.QueryAsync(tx, $"SELECT run_id, key, value FROM latest_metrics WHERE run_id IN ({inList});", r => (r.GetString(0), r.GetString(1), r.GetDoubleOrNaN(2)), ct, args))
            kv[run].M[k] = v;
        var rows = await conn.QueryAsync(tx, $"""
            SELECT id, experiment_id, name, status, start_time, end_time, heartbeat_at, (SELECT COALESCE(SUM(a.bytes), 0) FROM artifacts a WHERE a.run_id = runs.id)
            FROM runs WHERE id IN ({inList});
            """,
            r => new Run(r.GetString(0), r.GetString(1), r.GetString(2), StatusOf(r.GetString(3)), TimeText.Read(r.GetString(4)),
                r.IsDBNull(5) ? null : TimeText.Read(r.GetString(5)), kv[r.GetString(0)].P, kv[r.GetString(0)].T, kv[r.GetString(0)].M)
            {
                HeartbeatAt = r.IsDBNull(6) ? null : TimeText.Read(r.GetString(6)),
                ArtifactBytes = r.GetInt64(7),
            }, ct, args);
        var byId = rows.ToDictionary(r => r.Id);
        return ids.Select(id => byId[id]).ToList();
    }

    private static RunStatus StatusOf(string s) => s switch
    {
        "running" => RunStatus.Running,
        "finished" => RunStatus.Finished,
        "failed" => RunStatus.Failed,
        "killed" => RunStatus.Killed,
        _ => throw new InvalidOperationException($"Unknown run status '{s}' in the database."),
    };

    private static string StatusText(RunStatus s) => s.ToString().ToLowerInvariant();

    private static void RequireName(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new KeelInputException($"{what}: expected a non-empty name");
    }

    internal static void RequireKey(string key, string what)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength)
            throw new KeelInputException($"{what} key '{key}': expected 1..{MaxKeyLength} characters");
    }
}
