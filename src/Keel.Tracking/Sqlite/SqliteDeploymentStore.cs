using System.Text.RegularExpressions;
using Keel.Core;
using Keel.Core.Deployments;
using System.Data.Common;
using System.Text.Json;

namespace Keel.Tracking.Sqlite;

/// <summary>
/// <see cref="IDeploymentStore"/> in the tracking database. The current state sits in <c>deployments</c> for quick reads; every change
/// also appends to <c>deployment_events</c> in the same transaction, and triggers refuse edits of the history and of stored file versions.
/// </summary>
internal sealed partial class SqliteDeploymentStore(StoreDatabase db, TimeProvider time) : IDeploymentStore
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    private const string DeploymentColumns = "d.name, d.champion, d.challenger, d.strategy, s.spec_text, d.spec_version, d.phase, d.mode, d.challenger_percent, d.step, d.created_at, d.updated_at";

    public Task<DeploymentEvent?> ApplyAsync(Deployment deployment, string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        RequireName(deployment.Name);
        RequireActor(actor);
        RequireState(deployment.State);
        return db.WriteAsync(async (conn, tx) =>
        {
            var now = time.GetUtcNow();
            var existing = await LoadAsync(conn, tx, deployment.Name, ct);
            if (existing is null)
            {
                await conn.ExecAsync(tx, """
                    INSERT INTO deployments (name, champion, challenger, strategy, spec_version, phase, mode, challenger_percent, step, created_at, updated_at)
                    VALUES ($n, $champ, $chall, $strat, 1, $phase, $mode, $pct, $step, $t, $t);
                    """, ct, ("$n", deployment.Name), ("$champ", deployment.Champion), ("$chall", deployment.Challenger), ("$strat", deployment.Strategy),
                    ("$phase", Text(deployment.State.Phase)), ("$mode", Text(deployment.State.Mode)), ("$pct", deployment.State.ChallengerPercent),
                    ("$step", deployment.State.Step), ("$t", TimeText.Write(now)));
                await InsertSpecAsync(conn, tx, deployment.Name, 1, deployment.SpecText, now, ct);
                return await AppendEventAsync(conn, tx, deployment.Name, DeploymentEventKind.Create, null, deployment.State, now, actor, null, ct);
            }
            if (existing.SpecText == deployment.SpecText) return null;
            var version = existing.SpecVersion + 1;
            await InsertSpecAsync(conn, tx, deployment.Name, version, deployment.SpecText, now, ct);
            await conn.ExecAsync(tx, """
                UPDATE deployments SET champion = $champ, challenger = $chall, strategy = $strat, spec_version = $v, updated_at = $t WHERE name = $n;
                """, ct, ("$n", deployment.Name), ("$champ", deployment.Champion), ("$chall", deployment.Challenger), ("$strat", deployment.Strategy),
                ("$v", version), ("$t", TimeText.Write(now)));
            return await AppendEventAsync(conn, tx, deployment.Name, DeploymentEventKind.Update, existing.State, existing.State, now, actor,
                $"deployment file version {version}", ct);
        }, ct);
    }

    public Task<Deployment?> GetAsync(string name, CancellationToken ct = default) =>
        db.ReadAsync((conn, tx) => LoadAsync(conn, tx, name, ct), ct);

    public Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<Deployment>>(async (conn, tx) => await QueryDeploymentsAsync(conn, tx, null, ct), ct);

    public Task<string?> GetSpecAsync(string name, int specVersion, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => (string?)await conn.ScalarAsync(tx, "SELECT spec_text FROM deployment_specs WHERE name = $n AND version = $v;", ct,
            ("$n", name), ("$v", specVersion)), ct);

    public Task<DeploymentEvent> ChangeStateAsync(string name, DeploymentEventKind kind, DeploymentState to, string actor, string? reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        RequireActor(actor);
        RequireState(to);
        if (kind is DeploymentEventKind.Create or DeploymentEventKind.Update)
            throw new KeelInputException($"deployment '{name}' event {Text(kind)}: expected a state change (start, step, promote, rollback or mode); creation and file updates go through apply");
        return db.WriteAsync(async (conn, tx) =>
        {
            var existing = await LoadAsync(conn, tx, name, ct) ?? throw NotFound(name);
            var now = time.GetUtcNow();
            await conn.ExecAsync(tx, "UPDATE deployments SET phase = $phase, mode = $mode, challenger_percent = $pct, step = $step, updated_at = $t WHERE name = $n;", ct,
                ("$n", name), ("$phase", Text(to.Phase)), ("$mode", Text(to.Mode)), ("$pct", to.ChallengerPercent), ("$step", to.Step), ("$t", TimeText.Write(now)));
            return await AppendEventAsync(conn, tx, name, kind, existing.State, to, now, actor, reason, ct);
        }, ct);
    }

    public Task<IReadOnlyList<DeploymentEvent>> GetHistoryAsync(string name, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<DeploymentEvent>>(async (conn, tx) =>
        {
            if (await conn.ScalarAsync(tx, "SELECT 1 FROM deployments WHERE name = $n;", ct, ("$n", name)) is null) throw NotFound(name);
            return await conn.QueryAsync(tx, """
                SELECT seq, name, kind, from_phase, from_mode, from_percent, from_step, to_phase, to_mode, to_percent, to_step, at, actor, reason
                FROM deployment_events WHERE name = $n ORDER BY seq;
                """, r => new DeploymentEvent(r.GetInt64(0), r.GetString(1), Parse<DeploymentEventKind>(r.GetString(2)),
                    r.IsDBNull(3) ? null : new DeploymentState(Parse<RolloutPhase>(r.GetString(3)), Parse<DeploymentMode>(r.GetString(4)), r.GetDouble(5), r.GetInt32(6)),
                    new DeploymentState(Parse<RolloutPhase>(r.GetString(7)), Parse<DeploymentMode>(r.GetString(8)), r.GetDouble(9), r.GetInt32(10)),
                    TimeText.Read(r.GetString(11)), r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13)), ct, ("$n", name));
        }, ct);

    public Task<ReviewItem> EnqueueReviewAsync(ReviewItem item, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (string.IsNullOrEmpty(item.RequestId)) throw new KeelInputException($"review item of deployment '{item.Deployment}': expected a request id");
        return db.WriteAsync(async (conn, tx) =>
        {
            if (await conn.ScalarAsync(tx, "SELECT 1 FROM deployments WHERE name = $n;", ct, ("$n", item.Deployment)) is null) throw NotFound(item.Deployment);
            var id = (long)(await conn.ScalarAsync(tx, """
                INSERT INTO review_items (deployment, request_id, input_json, output_json, confidence, queued_at, request_row, request_rows)
                VALUES ($d, $r, $in, $out, $c, $t, $row, $rows) RETURNING id;
                """, ct, ("$d", item.Deployment), ("$r", item.RequestId), ("$in", item.InputJson), ("$out", item.OutputJson),
                ("$c", SqlCommands.DoubleOrNull(item.Confidence)), ("$t", TimeText.Write(item.QueuedAt)), ("$row", item.Row), ("$rows", item.RequestRows)))!;
            return item with { Id = id, Label = null, LabelledBy = null, LabelledAt = null };
        }, ct);
    }

    public Task<IReadOnlyList<ReviewItem>> ListReviewsAsync(string? deployment, bool includeLabelled, int limit, CancellationToken ct = default)
    {
        if (limit < 1) throw new KeelInputException($"review list limit {limit}: expected at least 1");
        return db.ReadAsync<IReadOnlyList<ReviewItem>>(async (conn, tx) =>
            await conn.QueryAsync(tx, $"{ReviewSelect} WHERE {ReviewWhere(deployment, includeLabelled)} ORDER BY id LIMIT $l;", ReadReview, ct,
                ("$d", deployment), ("$l", limit)), ct);
    }

    public Task<long> CountReviewsAsync(string? deployment, bool includeLabelled, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => Convert.ToInt64(await conn.ScalarAsync(tx, $"SELECT COUNT(*) FROM review_items WHERE {ReviewWhere(deployment, includeLabelled)};", ct,
            ("$d", deployment)), System.Globalization.CultureInfo.InvariantCulture), ct);

    private static string ReviewWhere(string? deployment, bool includeLabelled) =>
        (deployment is null ? "1 = 1" : "deployment = $d") + (includeLabelled ? "" : " AND labelled_at IS NULL");

    public Task<ReviewItem?> GetReviewAsync(long id, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => (await conn.QueryAsync(tx, $"{ReviewSelect} WHERE id = $id;", ReadReview, ct, ("$id", id))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<ReviewItem>> ListRequestReviewsAsync(string requestId, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<ReviewItem>>(async (conn, tx) =>
            await conn.QueryAsync(tx, $"{ReviewSelect} WHERE request_id = $r ORDER BY request_row, id;", ReadReview, ct, ("$r", requestId)), ct);

    public Task<Feedback> LabelReviewAsync(long id, string label, string actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(label)) throw new KeelInputException($"review item {id} label: expected a non-empty label");
        RequireActor(actor);
        return db.WriteAsync(async (conn, tx) =>
        {
            var item = (await conn.QueryAsync(tx, $"{ReviewSelect} WHERE id = $id;", ReadReview, ct, ("$id", id))).FirstOrDefault()
                ?? throw new KeelNotFoundException($"review item {id} does not exist");
            if (item.IsLabelled)
                throw new KeelInputException($"review item {id} is already labelled '{item.Label}' by {item.LabelledBy}; its label is feedback already given");
            item.CheckLabel(label);
            var now = time.GetUtcNow();
            await conn.ExecAsync(tx, "UPDATE review_items SET label = $l, labelled_by = $a, labelled_at = $t WHERE id = $id;", ct,
                ("$l", label), ("$a", actor), ("$t", TimeText.Write(now)), ("$id", id));
            var feedback = new Feedback(item.RequestId, label, now, "review", actor);
            await InsertFeedbackAsync(conn, tx, feedback, ct);
            return feedback;
        }, ct);
    }

    public Task AddFeedbackAsync(Feedback feedback, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (string.IsNullOrEmpty(feedback.RequestId)) throw new KeelInputException("feedback request_id: expected the id of an earlier prediction request");
        if (feedback.Outcome is null) throw new KeelInputException($"feedback for request '{feedback.RequestId}' outcome: expected a value");
        return db.WriteAsync((conn, tx) => InsertFeedbackAsync(conn, tx, feedback, ct), ct);
    }

    public Task<IReadOnlyList<Feedback>> ListFeedbackAsync(string? requestId, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<Feedback>>(async (conn, tx) => await conn.QueryAsync(tx,
            $"SELECT request_id, outcome, at, source, actor FROM feedback {(requestId is null ? "" : "WHERE request_id = $r")} ORDER BY seq;",
            r => new Feedback(r.GetString(0), r.GetString(1), TimeText.Read(r.GetString(2)), r.GetString(3), r.GetString(4)), ct, ("$r", requestId)), ct);

    public Task AddTokenAsync(ApiToken token, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return db.WriteAsync((conn, tx) => conn.ExecAsync(tx, """
            INSERT INTO api_tokens (id, name, salt, hash, iterations, created_at, created_by, revoked_at, role, scope_experiments, scope_models)
            VALUES ($id, $n, $s, $h, $i, $t, $by, $r, $role, $se, $sm);
            """, ct, ("$id", token.Id), ("$n", token.Name), ("$s", token.Salt), ("$h", token.Hash), ("$i", token.Iterations),
            ("$t", TimeText.Write(token.CreatedAt)), ("$by", token.CreatedBy), ("$r", token.RevokedAt is { } r ? TimeText.Write(r) : null),
            ("$role", token.Role.ToString().ToLowerInvariant()), ("$se", JsonSerializer.Serialize(token.Experiments)), ("$sm", JsonSerializer.Serialize(token.Models))), ct);
    }

    public Task<ApiToken?> FindTokenAsync(string id, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => (await conn.QueryAsync(tx, $"{TokenSelect} WHERE id = $id;", ReadToken, ct, ("$id", id))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<ApiToken>>(async (conn, tx) => await conn.QueryAsync(tx, $"{TokenSelect} ORDER BY created_at, id;", ReadToken, ct), ct);

    public Task RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken ct = default) =>
        db.WriteAsync(async (conn, tx) =>
        {
            if (await conn.ExecAsync(tx, "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $t) WHERE id = $id;", ct, ("$t", TimeText.Write(at)), ("$id", id)) == 0)
                throw new KeelNotFoundException($"API token '{id}' does not exist");
            return 0;
        }, ct);

    private const string ReviewSelect =
        "SELECT id, deployment, request_id, input_json, output_json, confidence, queued_at, label, labelled_by, labelled_at, request_row, request_rows FROM review_items";

    private static ReviewItem ReadReview(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetDoubleOrNaN(5), TimeText.Read(r.GetString(6)), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : TimeText.Read(r.GetString(9)))
    {
        Row = r.IsDBNull(10) ? null : checked((int)r.GetInt64(10)),
        RequestRows = r.IsDBNull(11) ? null : checked((int)r.GetInt64(11)),
    };

    private const string TokenSelect = "SELECT id, name, salt, hash, iterations, created_at, created_by, revoked_at, role, scope_experiments, scope_models FROM api_tokens";

    private static ApiToken ReadToken(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
        TimeText.Read(r.GetString(5)), r.GetString(6), r.IsDBNull(7) ? null : TimeText.Read(r.GetString(7)))
    {
        Role = Enum.Parse<TokenRole>(r.GetString(8), ignoreCase: true),
        Experiments = JsonSerializer.Deserialize<string[]>(r.GetString(9)) ?? [],
        Models = JsonSerializer.Deserialize<string[]>(r.GetString(10)) ?? [],
    };

    private static Task<int> InsertFeedbackAsync(DbConnection conn, DbTransaction tx, Feedback f, CancellationToken ct) =>
        conn.ExecAsync(tx, "INSERT INTO feedback (request_id, outcome, at, source, actor) VALUES ($r, $o, $t, $s, $a);", ct,
            ("$r", f.RequestId), ("$o", f.Outcome), ("$t", TimeText.Write(f.At)), ("$s", f.Source), ("$a", f.Actor));

    private static Task<int> InsertSpecAsync(DbConnection conn, DbTransaction tx, string name, int version, string text, DateTimeOffset at, CancellationToken ct) =>
        conn.ExecAsync(tx, "INSERT INTO deployment_specs (name, version, spec_text, created_at) VALUES ($n, $v, $s, $t);", ct,
            ("$n", name), ("$v", version), ("$s", text), ("$t", TimeText.Write(at)));

    private static async Task<DeploymentEvent> AppendEventAsync(DbConnection conn, DbTransaction tx, string name, DeploymentEventKind kind,
        DeploymentState? from, DeploymentState to, DateTimeOffset at, string actor, string? reason, CancellationToken ct)
    {
        var seq = (long)(await conn.ScalarAsync(tx, """
            INSERT INTO deployment_events (name, kind, from_phase, from_mode, from_percent, from_step, to_phase, to_mode, to_percent, to_step, at, actor, reason)
            VALUES ($n, $k, $fp, $fm, $fpct, $fs, $tp, $tm, $tpct, $ts, $t, $a, $r) RETURNING seq;
            """, ct, ("$n", name), ("$k", Text(kind)), ("$fp", from is null ? null : Text(from.Phase)), ("$fm", from is null ? null : Text(from.Mode)),
            ("$fpct", from?.ChallengerPercent), ("$fs", from?.Step), ("$tp", Text(to.Phase)), ("$tm", Text(to.Mode)), ("$tpct", to.ChallengerPercent),
            ("$ts", to.Step), ("$t", TimeText.Write(at)), ("$a", actor), ("$r", reason)))!;
        return new DeploymentEvent(seq, name, kind, from, to, at, actor, reason);
    }

    private static async Task<Deployment?> LoadAsync(DbConnection conn, DbTransaction tx, string name, CancellationToken ct) =>
        (await QueryDeploymentsAsync(conn, tx, name, ct)).FirstOrDefault();

    private static Task<List<Deployment>> QueryDeploymentsAsync(DbConnection conn, DbTransaction tx, string? name, CancellationToken ct) =>
        conn.QueryAsync(tx, $"""
            SELECT {DeploymentColumns} FROM deployments d JOIN deployment_specs s ON s.name = d.name AND s.version = d.spec_version
            {(name is null ? "" : "WHERE d.name = $n")} ORDER BY d.name;
            """, r => new Deployment
            {
                Name = r.GetString(0),
                Champion = r.GetString(1),
                Challenger = r.IsDBNull(2) ? null : r.GetString(2),
                Strategy = r.GetString(3),
                SpecText = r.GetString(4),
                SpecVersion = r.GetInt32(5),
                State = new DeploymentState(Parse<RolloutPhase>(r.GetString(6)), Parse<DeploymentMode>(r.GetString(7)), r.GetDouble(8), r.GetInt32(9)),
                CreatedAt = TimeText.Read(r.GetString(10)),
                UpdatedAt = TimeText.Read(r.GetString(11)),
            }, ct, ("$n", name));

    /// <summary>Enum values as snake_case text ("RolledBack" → "rolled_back"), so the database reads well and survives renames of nothing.</summary>
    internal static string Text<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static T Parse<T>(string text) where T : struct, Enum =>
        Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    private static KeelNotFoundException NotFound(string name) => new($"deployment '{name}' does not exist; `keel deployments create FILE` creates it");

    private static void RequireName(string name)
    {
        if (name is null || !NamePattern().IsMatch(name))
            throw new KeelInputException($"deployment name '{name}': expected a lower-case letter or digit then up to 63 of a-z, 0-9, '_' or '-'");
    }

    private static void RequireActor(string actor)
    {
        if (string.IsNullOrWhiteSpace(actor)) throw new KeelInputException("deployment change actor: expected a non-empty name (who made the change)");
    }

    private static void RequireState(DeploymentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!(state.ChallengerPercent is >= 0 and <= 100))
            throw new KeelInputException($"deployment challenger share {state.ChallengerPercent}: expected a percentage from 0 to 100");
        if (state.Step < 0) throw new KeelInputException($"deployment step {state.Step}: expected 0 or more");
    }
}
