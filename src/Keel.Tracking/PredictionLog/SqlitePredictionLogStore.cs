using Keel.Core;
using Keel.Core.PredictionLog;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.PredictionLog;

/// <summary>Opens prediction log stores.</summary>
public static class PredictionLogStores
{
    /// <summary>The file name of the SQLite prediction log beside keel.db: its own file, so heavy logging never contends with the tracking store.</summary>
    public const string FileName = "predictions.db";

    /// <summary>Opens (creating if needed) the SQLite prediction log at <paramref name="path"/>.</summary>
    /// <exception cref="KeelInputException">The file cannot be created or is not a prediction log.</exception>
    public static Task<IPredictionLogStore> OpenSqliteAsync(string path, CancellationToken ct = default) => SqlitePredictionLogStore.OpenAsync(path, ct);

    /// <summary>The prediction log path beside a store's database (see <see cref="KeelStore.DatabasePath"/>).</summary>
    public static string BesideDatabase(string databasePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, FileName);
}

/// <summary>The prediction log in its own SQLite file (WAL, synchronous=NORMAL: a process crash loses no committed batch).</summary>
internal sealed class SqlitePredictionLogStore : IPredictionLogStore
{
    private const string Columns = "request_id, time_ms, model, version, arm, endpoint, latency_ms, rows, inputs, outputs";
    private readonly string _connectionString;

    private SqlitePredictionLogStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public static async Task<IPredictionLogStore> OpenAsync(string path, CancellationToken ct)
    {
        var store = new SqlitePredictionLogStore(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await using var conn = await store.ConnectAsync(ct);
            await Exec(conn, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS predictions (
                    request_id TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL,
                    arm TEXT NOT NULL, endpoint TEXT NOT NULL, latency_ms REAL NOT NULL, rows INTEGER NOT NULL,
                    inputs TEXT NOT NULL, outputs TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS predictions_model_time ON predictions (model, time_ms);
                CREATE TABLE IF NOT EXISTS feedback (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, time_ms INTEGER NOT NULL, outcome TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS feedback_request ON feedback (request_id);
                """, ct);
            return store;
        }
        catch (SqliteException e)
        {
            SqliteConnection.ClearAllPools();
            throw new KeelInputException($"prediction log '{path}': expected a SQLite prediction log this user can write; {e.Message}", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new KeelInputException($"prediction log '{path}' cannot be created or written: {e.Message}", e);
        }
    }

    public async Task AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        await using var conn = await ConnectAsync(ct);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO predictions ({Columns}) VALUES ($id, $t, $m, $v, $a, $e, $l, $r, $i, $o);";
        var p = new[] { "$id", "$t", "$m", "$v", "$a", "$e", "$l", "$r", "$i", "$o" }.Select(n => cmd.Parameters.Add(n, SqliteType.Text)).ToArray();
        foreach (var r in records)
        {
            p[0].Value = r.RequestId;
            p[1].Value = r.Time.ToUnixTimeMilliseconds();
            p[2].Value = r.Model;
            p[3].Value = r.Version;
            p[4].Value = r.Arm;
            p[5].Value = r.Endpoint;
            p[6].Value = r.LatencyMs;
            p[7].Value = r.Rows;
            p[8].Value = r.InputsJson;
            p[9].Value = r.OutputsJson;
            try
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
            {
                throw new KeelInputException($"prediction log: request id '{r.RequestId}' is already logged; request ids are unique.", e);
            }
        }
        await tx.CommitAsync(ct);
    }

    public async Task AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        await using var conn = await ConnectAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "INSERT INTO feedback (request_id, time_ms, outcome) VALUES ($id, $t, $o);";
        cmd.Parameters.AddWithValue("$id", feedback.RequestId);
        cmd.Parameters.AddWithValue("$t", feedback.Time.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$o", feedback.OutcomeJson);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<LoggedPrediction?> GetAsync(string requestId, CancellationToken ct = default)
    {
        await using var conn = await ConnectAsync(ct);
        var found = await QueryAsync(conn, $"SELECT {Columns} FROM predictions WHERE request_id = $id;", c => c.Parameters.AddWithValue("$id", requestId), ct);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<LoggedPrediction>> ListAsync(PredictionQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var conn = await ConnectAsync(ct);
        return await QueryAsync(conn, $"""
            SELECT {Columns} FROM predictions
            WHERE model = $m AND ($v IS NULL OR version = $v) AND ($from IS NULL OR time_ms >= $from) AND ($to IS NULL OR time_ms < $to)
            ORDER BY time_ms, request_id LIMIT $limit;
            """, c =>
        {
            c.Parameters.AddWithValue("$m", query.Model);
            c.Parameters.AddWithValue("$v", (object?)query.Version ?? DBNull.Value);
            c.Parameters.AddWithValue("$from", (object?)query.From?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            c.Parameters.AddWithValue("$to", (object?)query.To?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            c.Parameters.AddWithValue("$limit", Math.Max(0, query.Limit));
        }, ct);
    }

    public ValueTask DisposeAsync()
    {
        using (var conn = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(conn);
        return ValueTask.CompletedTask;
    }

    private async Task<List<LoggedPrediction>> QueryAsync(SqliteConnection conn, string sql, Action<SqliteCommand> bind, CancellationToken ct)
    {
        var predictions = new List<PredictionRecord>();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = sql;
            bind(cmd);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                predictions.Add(new PredictionRecord
                {
                    RequestId = reader.GetString(0),
                    Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    Model = reader.GetString(2),
                    Version = reader.GetInt32(3),
                    Arm = reader.GetString(4),
                    Endpoint = reader.GetString(5),
                    LatencyMs = reader.GetDouble(6),
                    Rows = reader.GetInt32(7),
                    InputsJson = reader.GetString(8),
                    OutputsJson = reader.GetString(9),
                });
            }
        }
        var result = new List<LoggedPrediction>(predictions.Count);
        await using var fb = conn.CreateCommand();
        fb.CommandText = "SELECT outcome, time_ms FROM feedback WHERE request_id = $id ORDER BY id;";
        var id = fb.Parameters.Add("$id", SqliteType.Text);
        foreach (var p in predictions)
        {
            id.Value = p.RequestId;
            var feedback = new List<FeedbackRecord>();
            await using (var reader = await fb.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) feedback.Add(new FeedbackRecord(p.RequestId, reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
            }
            result.Add(new LoggedPrediction(p, feedback));
        }
        return result;
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        await Exec(conn, "PRAGMA synchronous=NORMAL;", ct);
        return conn;
    }

    private static async Task Exec(SqliteConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
