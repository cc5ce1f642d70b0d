using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Search;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Sqlite;

/// <summary>
/// <see cref="IStudyStore"/> in the tracking database, SQLite or PostgreSQL. A claim is one write transaction (stale trials marked, then
/// the next trial picked and taken): BEGIN IMMEDIATE on SQLite, the schema's advisory lock on PostgreSQL
/// (<see cref="StoreDatabase.WriteAsync{T}"/>), so concurrent workers, in threads, processes or machines, never take the same trial;
/// every trial write checks the caller still holds the trial (number, attempt and worker) and that it is running.
/// </summary>
internal sealed class SqliteStudyStore(StoreDatabase db) : IStudyStore
{
    private const string Held = "study = $s AND number = $n AND attempt = $a AND worker = $w AND state = 'running'";

    public Task<StudyRecord> CreateStudyAsync(StudyRecord study, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (string.IsNullOrWhiteSpace(study.Name)) throw new KeelInputException("study name: expected a non-empty name");
        if (study.Groups.Count == 0) throw new KeelInputException($"study '{study.Name}': expected at least one group (candidate family)");
        if (study.PlannedTrials is < 1) throw new KeelInputException($"study '{study.Name}' planned trials {study.PlannedTrials}: expected at least 1");
        if (study.MaxAttempts < 1) throw new KeelInputException($"study '{study.Name}' max attempts {study.MaxAttempts}: expected at least 1");
        return db.WriteAsync(async (conn, tx) =>
        {
            var existing = await LoadAsync(conn, tx, study.Name, ct);
            if (existing is not null)
            {
                if (existing.DefinitionJson != study.DefinitionJson || !existing.Groups.SequenceEqual(study.Groups) || existing.PlannedTrials != study.PlannedTrials
                    || existing.StalePolicy != study.StalePolicy || existing.MaxAttempts != study.MaxAttempts)
                    throw new KeelInputException($"study '{study.Name}' already exists with another search definition or plan; expected the same search section to resume it, or a new study name (search.study)");
                return existing;
            }
            await conn.ExecAsync(tx, """
                INSERT INTO studies (name, groups_json, planned_trials, definition_json, stale_policy, max_attempts, search_run_id, created_at)
                VALUES ($n, $g, $p, $d, $sp, $ma, $r, $t);
                """, ct, ("$n", study.Name), ("$g", JsonSerializer.Serialize(study.Groups)), ("$p", study.PlannedTrials), ("$d", study.DefinitionJson),
                ("$sp", Lower(study.StalePolicy)), ("$ma", study.MaxAttempts), ("$r", study.SearchRunId), ("$t", TimeText.Write(study.CreatedAt)));
            return study;
        }, ct);
    }

    public Task<StudyRecord?> GetStudyAsync(string name, CancellationToken ct = default) =>
        db.ReadAsync((conn, tx) => LoadAsync(conn, tx, name, ct), ct);

    public Task<IReadOnlyList<StudyRecord>> ListStudiesAsync(CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<StudyRecord>>(async (conn, tx) =>
            await conn.QueryAsync(tx, $"{StudySelect} ORDER BY created_at, name;", ReadStudy, ct), ct);

    public Task<int> DeleteStudyAsync(string name, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default) =>
        db.WriteAsync(async (conn, tx) =>
        {
            _ = await LoadAsync(conn, tx, name, ct) ?? throw NotFound(name);
            var live = await conn.ScalarAsync(tx, "SELECT MIN(number) FROM trials WHERE study = $s AND state = 'running' AND heartbeat_at >= $cut;", ct,
                ("$s", name), ("$cut", TimeText.Write(now - lease)));
            if (live is long number)
            {
                throw new KeelInputException($"study '{name}': trial {number} is running and its worker is alive (a heartbeat within the last " +
                    $"{lease.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s); stop its workers, or wait until it is stale, then delete; nothing was deleted");
            }
            await conn.ExecAsync(tx, "DELETE FROM trial_values WHERE study = $s;", ct, ("$s", name));
            var trials = await conn.ExecAsync(tx, "DELETE FROM trials WHERE study = $s;", ct, ("$s", name));
            await conn.ExecAsync(tx, "DELETE FROM studies WHERE name = $s;", ct, ("$s", name));
            return trials;
        }, ct);

    public Task SetPlannedTrialsAsync(string study, int? planned, CancellationToken ct = default) =>
        db.WriteAsync(async (conn, tx) =>
        {
            if (planned is < 1) throw new KeelInputException($"study '{study}' planned trials {planned}: expected at least 1");
            _ = await LoadAsync(conn, tx, study, ct) ?? throw NotFound(study);
            var numbered = Convert.ToInt32(await conn.ScalarAsync(tx, "SELECT COUNT(*) FROM trials WHERE study = $s;", ct, ("$s", study)), CultureInfo.InvariantCulture);
            if (planned < numbered)
            {
                throw new KeelInputException($"study '{study}' has already numbered {numbered} trials; a plan of {planned} would leave some of them " +
                    $"outside it; expected at least {numbered} trials");
            }
            await conn.ExecAsync(tx, "UPDATE studies SET planned_trials = $p WHERE name = $n;", ct, ("$p", planned), ("$n", study));
            return 0;
        }, ct);

    public Task SetSearchRunAsync(string study, string runId, CancellationToken ct = default) =>
        db.WriteAsync(async (conn, tx) =>
        {
            if (await conn.ExecAsync(tx, "UPDATE studies SET search_run_id = $r WHERE name = $n;", ct, ("$r", runId), ("$n", study)) == 0) throw NotFound(study);
            return 0;
        }, ct);

    public Task<TrialClaim> ClaimTrialAsync(string study, string worker, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(worker);
        return db.WriteAsync(async (conn, tx) =>
        {
            var s = await LoadAsync(conn, tx, study, ct) ?? throw NotFound(study);
            var seconds = lease.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            await conn.ExecAsync(tx, """
                UPDATE trials SET state = 'failed', stale = 1, ended_at = $t,
                    error = 'no heartbeat from worker ' || COALESCE(worker, '?') || ' for more than the ' || $l || ' s lease'
                WHERE study = $s AND state = 'running' AND heartbeat_at < $cut;
                """, ct, ("$s", study), ("$t", TimeText.Write(now)), ("$l", seconds), ("$cut", TimeText.Write(now - lease)));

            int? number = null;
            if (s.StalePolicy == StalePolicy.Retry)
            {
                number = await conn.ScalarAsync(tx, "SELECT MIN(number) FROM trials WHERE study = $s AND state = 'failed' AND stale = 1 AND attempt < $m;", ct,
                    ("$s", study), ("$m", s.MaxAttempts)) is long n ? (int)n : null;
            }
            if (number is { } retry)
            {
                await conn.ExecAsync(tx, "DELETE FROM trial_values WHERE study = $s AND number = $n;", ct, ("$s", study), ("$n", retry));
                await conn.ExecAsync(tx, """
                    UPDATE trials SET state = 'running', attempt = attempt + 1, worker = $w, heartbeat_at = $t, ended_at = NULL, value = NULL, values_json = NULL,
                        run_id = NULL, error = NULL, stale = 0
                    WHERE study = $s AND number = $n;
                    """, ct, ("$s", study), ("$n", retry), ("$w", worker), ("$t", TimeText.Write(now)));
            }
            else
            {
                var count = Convert.ToInt32(await conn.ScalarAsync(tx, "SELECT COUNT(*) FROM trials WHERE study = $s;", ct, ("$s", study)), CultureInfo.InvariantCulture);
                if (s.PlannedTrials is { } planned && count >= planned)
                {
                    var running = await conn.ScalarAsync(tx, "SELECT 1 FROM trials WHERE study = $s AND state = 'running' LIMIT 1;", ct, ("$s", study));
                    return new TrialClaim(running is null ? ClaimOutcome.Done : ClaimOutcome.Wait, null);
                }
                number = count;
                await conn.ExecAsync(tx, """
                    INSERT INTO trials (study, number, attempt, state, grp, params_json, worker, heartbeat_at, started_at)
                    VALUES ($s, $n, 1, 'running', $g, '{}', $w, $t, $t);
                    """, ct, ("$s", study), ("$n", count), ("$g", s.Groups[count % s.Groups.Count]), ("$w", worker), ("$t", TimeText.Write(now)));
            }
            var trial = (await QueryTrialsAsync(conn, tx, study, number, ct)).Single();
            return new TrialClaim(ClaimOutcome.Claimed, trial);
        }, ct);
    }

    public Task<bool> SetTrialParamsAsync(TrialLease lease, IReadOnlyDictionary<string, double> parameters, CancellationToken ct = default) =>
        UpdateHeldAsync(lease, "params_json = $x", ("$x", JsonSerializer.Serialize(parameters)), ct);

    public Task<bool> HeartbeatTrialAsync(TrialLease lease, DateTimeOffset at, CancellationToken ct = default) =>
        UpdateHeldAsync(lease, "heartbeat_at = $x", ("$x", TimeText.Write(at)), ct);

    public Task<bool> SetTrialRunAsync(TrialLease lease, string runId, CancellationToken ct = default) =>
        UpdateHeldAsync(lease, "run_id = $x", ("$x", runId), ct);

    public Task<bool> ReportAsync(TrialLease lease, IReadOnlyList<KeyValuePair<int, double>> values, DateTimeOffset at, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(values);
        return db.WriteAsync(async (conn, tx) =>
        {
            // A report is a sign of life too.
            if (await conn.ExecAsync(tx, $"UPDATE trials SET heartbeat_at = $t WHERE {Held};", ct, Args(lease, ("$t", TimeText.Write(at)))) == 0) return false;
            await using var cmd = conn.Command(tx, "INSERT INTO trial_values (study, number, step, value) VALUES ($s, $n, $step, $v) ON CONFLICT DO NOTHING;",
                ("$s", lease.Study), ("$n", lease.Number), ("$step", 0), ("$v", 0.0));
            foreach (var (step, value) in values)
            {
                // By position ($s, $n, $step, $v): the names differ by engine ($step on SQLite, step on PostgreSQL).
                cmd.Parameters[2].Value = step;
                cmd.Parameters[3].Value = SqlCommands.DoubleOrNull(value);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            return true;
        }, ct);
    }

    public Task<bool> FinishTrialAsync(TrialLease lease, TrialState state, double? value, IReadOnlyList<double>? values, string? error, DateTimeOffset at,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (state == TrialState.Running) throw new KeelInputException($"trial {lease.Number} of study '{lease.Study}': expected an end state (complete, pruned or failed), got running");
        if (state == TrialState.Complete && value is null) throw new KeelInputException($"trial {lease.Number} of study '{lease.Study}': a complete trial needs its objective value");
        if (values is not null && (state != TrialState.Complete || values.Count == 0 || !values.All(double.IsFinite)))
            throw new KeelInputException($"trial {lease.Number} of study '{lease.Study}': objective values are kept for a complete trial only, one finite number per objective; got [{string.Join(", ", values)}] for a {Lower(state)} trial");
        return db.WriteAsync(async (conn, tx) =>
            await conn.ExecAsync(tx, $"UPDATE trials SET state = $st, value = $v, values_json = $vs, error = $e, ended_at = $t, heartbeat_at = $t WHERE {Held};", ct,
                Args(lease, ("$st", Lower(state)), ("$v", value is { } v ? SqlCommands.DoubleOrNull(v) : null),
                    ("$vs", values is null ? null : JsonSerializer.Serialize(values)), ("$e", error), ("$t", TimeText.Write(at)))) == 1, ct);
    }

    public Task<IReadOnlyList<TrialRecord>> ListTrialsAsync(string study, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<TrialRecord>>(async (conn, tx) =>
        {
            if (await conn.ScalarAsync(tx, "SELECT 1 FROM studies WHERE name = $n;", ct, ("$n", study)) is null) throw NotFound(study);
            return await QueryTrialsAsync(conn, tx, study, null, ct);
        }, ct);

    private Task<bool> UpdateHeldAsync(TrialLease lease, string set, (string, object?) value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return db.WriteAsync(async (conn, tx) => await conn.ExecAsync(tx, $"UPDATE trials SET {set} WHERE {Held};", ct, Args(lease, value)) == 1, ct);
    }

    private static (string, object?)[] Args(TrialLease lease, params (string, object?)[] more) =>
        [("$s", lease.Study), ("$n", lease.Number), ("$a", lease.Attempt), ("$w", lease.Worker), .. more];

    private static async Task<List<TrialRecord>> QueryTrialsAsync(DbConnection conn, DbTransaction tx, string study, int? number, CancellationToken ct)
    {
        var where = number is null ? "study = $s" : "study = $s AND number = $n";
        var values = new Dictionary<int, Dictionary<int, double>>();
        foreach (var (n, step, v) in await conn.QueryAsync(tx, $"SELECT number, step, value FROM trial_values WHERE {where} ORDER BY number, step;",
            r => (r.GetInt32(0), r.GetInt32(1), r.GetDoubleOrNaN(2)), ct, ("$s", study), ("$n", number)))
        {
            if (!values.TryGetValue(n, out var d)) values[n] = d = [];
            d[step] = v;
        }
        return await conn.QueryAsync(tx, $"""
            SELECT number, attempt, state, grp, params_json, value, worker, heartbeat_at, started_at, ended_at, run_id, error, stale, values_json
            FROM trials WHERE {where} ORDER BY number;
            """, r => new TrialRecord(r.GetInt32(0), r.GetInt32(1), Enum.Parse<TrialState>(r.GetString(2), ignoreCase: true), r.GetString(3),
                JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(4))!)
            {
                Value = r.IsDBNull(5) ? null : r.GetDouble(5),
                Intermediate = values.TryGetValue(r.GetInt32(0), out var iv) ? iv : new Dictionary<int, double>(),
                Worker = r.IsDBNull(6) ? null : r.GetString(6),
                HeartbeatAt = r.IsDBNull(7) ? null : TimeText.Read(r.GetString(7)),
                StartedAt = TimeText.Read(r.GetString(8)),
                EndedAt = r.IsDBNull(9) ? null : TimeText.Read(r.GetString(9)),
                RunId = r.IsDBNull(10) ? null : r.GetString(10),
                Error = r.IsDBNull(11) ? null : r.GetString(11),
                Stale = r.GetInt32(12) == 1,
                Values = r.IsDBNull(13) ? null : JsonSerializer.Deserialize<double[]>(r.GetString(13)),
            }, ct, ("$s", study), ("$n", number));
    }

    private const string StudySelect = "SELECT name, groups_json, planned_trials, definition_json, stale_policy, max_attempts, search_run_id, created_at FROM studies";

    private static StudyRecord ReadStudy(DbDataReader r) =>
        new(r.GetString(0), JsonSerializer.Deserialize<string[]>(r.GetString(1))!, r.IsDBNull(2) ? null : r.GetInt32(2), r.GetString(3), TimeText.Read(r.GetString(7)))
        {
            StalePolicy = Enum.Parse<StalePolicy>(r.GetString(4), ignoreCase: true),
            MaxAttempts = r.GetInt32(5),
            SearchRunId = r.IsDBNull(6) ? null : r.GetString(6),
        };

    private static async Task<StudyRecord?> LoadAsync(DbConnection conn, DbTransaction tx, string name, CancellationToken ct) =>
        (await conn.QueryAsync(tx, $"{StudySelect} WHERE name = $n;", ReadStudy, ct, ("$n", name))).FirstOrDefault();

    private static KeelNotFoundException NotFound(string study) => new($"study '{study}' does not exist; `keel search SPEC` creates it");

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
