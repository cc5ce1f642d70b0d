using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Keel.Core;
using Keel.Core.PredictionLog;
using Keel.Tracking.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Keel.Tracking.PredictionLog;

/// <summary>Opens prediction log stores.</summary>
public static class PredictionLogStores
{
    /// <summary>The file name of the SQLite prediction log beside keel.db: its own file, so heavy logging never contends with the tracking store.</summary>
    public const string FileName = "predictions.db";

    /// <summary>Opens (creating if needed) the SQLite prediction log at <paramref name="path"/>.</summary>
    /// <exception cref="KeelInputException">The file cannot be created or is not a prediction log.</exception>
    public static Task<IPredictionLogStore> OpenSqliteAsync(string path, CancellationToken ct = default) => SqlitePredictionLogStore.OpenAsync(path, ct);

    /// <summary>
    /// Opens (creating if needed) the prediction log of <paramref name="store"/>: on PostgreSQL, tables in the store's own database and
    /// schema; on SQLite, <see cref="FileName"/> beside keel.db.
    /// </summary>
    /// <exception cref="KeelInputException">The log cannot be created or opened.</exception>
    public static async Task<IPredictionLogStore> OpenAsync(KeelStore store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Postgres is { } pg
            ? (await PostgresPredictionLogStore.OpenAsync(pg, create: true, ct))!
            : await OpenSqliteAsync(BesideDatabase(store.DatabasePath), ct);
    }

    /// <summary>Opens the prediction log of <paramref name="store"/> when one was written there (see <see cref="OpenAsync(KeelStore, CancellationToken)"/>); else null.</summary>
    /// <exception cref="KeelInputException">The log exists but cannot be opened.</exception>
    public static async Task<IPredictionLogStore?> OpenIfExistsAsync(KeelStore store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Postgres is { } pg) return await PostgresPredictionLogStore.OpenAsync(pg, create: false, ct);
        var path = BesideDatabase(store.DatabasePath);
        return File.Exists(path) ? await OpenSqliteAsync(path, ct) : null;
    }

    /// <summary>Where <paramref name="store"/>'s prediction log is, for messages: the SQLite file, or the PostgreSQL store.</summary>
    public static string Describe(KeelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Postgres is { } pg ? $"the store {pg.Description} (tables predictions, prediction_feedback)" : BesideDatabase(store.DatabasePath);
    }

    /// <summary>The prediction log path beside a store's database (see <see cref="KeelStore.DatabasePath"/>).</summary>
    public static string BesideDatabase(string databasePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, FileName);
}

/// <summary>The prediction log in its own SQLite file (WAL, synchronous=NORMAL: a process crash loses no committed batch).</summary>
internal sealed class SqlitePredictionLogStore : IPredictionLogStore
{
    private const string Columns = PredictionRows.Columns;
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
            // 16 KiB pages for a new file (a file already in WAL mode keeps its own): a quarter of the page writes per appended batch,
            // 0.5 us less per logged request (bench/serving/logcost.cs). Only before the first table is the page size settable.
            await conn.ExecAsync(null, """
                PRAGMA page_size=16384;
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS predictions (
                    request_id TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL,
                    arm TEXT NOT NULL, endpoint TEXT NOT NULL, latency_ms REAL NOT NULL, rows INTEGER NOT NULL,
                    inputs TEXT NOT NULL, outputs TEXT NOT NULL, deployment TEXT);
                CREATE INDEX IF NOT EXISTS predictions_model_time ON predictions (model, time_ms);
                CREATE TABLE IF NOT EXISTS feedback (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, time_ms INTEGER NOT NULL, outcome TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS feedback_request ON feedback (request_id);
                """, ct);
            // A log an older Keel wrote gets the deployment column; its rows keep null (a deployment's query takes them by model).
            if (await conn.ScalarAsync(null, "SELECT COUNT(*) FROM pragma_table_info('predictions') WHERE name = 'deployment';", ct) is 0L)
                await conn.ExecAsync(null, "ALTER TABLE predictions ADD COLUMN deployment TEXT;", ct);
            await conn.ExecAsync(null, "CREATE INDEX IF NOT EXISTS predictions_deployment_time ON predictions (deployment, time_ms);", ct);
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

    public Task AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Count == 0 ? Task.CompletedTask : AppendAsync(EncodedPredictions.From(records), ct);
    }

    public async Task AppendAsync(EncodedPredictions records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        await using var conn = await ConnectAsync(ct);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(ct);
        Insert(conn.Handle!, records, ct);
        await tx.CommitAsync(ct);
    }

    // The server appends every answered request here, so this is its hottest write: one statement prepared per batch and bound
    // through SQLite's own API costs about half of a SqliteCommand execution per row, and binding the records' UTF-8 bytes as they
    // were queued saves decoding ten strings per record and encoding them again (bench/serving/logcost.cs).
    private static void Insert(sqlite3 db, EncodedPredictions records, CancellationToken ct)
    {
        Check(raw.sqlite3_prepare_v2(db, $"INSERT INTO predictions ({Columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);", out var stmt), db);
        using (stmt)
        {
            var span = records.Bytes.Span;
            while (EncodedPredictions.TryRead(ref span, out var r))
            {
                ct.ThrowIfCancellationRequested();
                raw.sqlite3_bind_text(stmt, 1, r.RequestId);
                raw.sqlite3_bind_int64(stmt, 2, r.TimeMs);
                raw.sqlite3_bind_text(stmt, 3, r.Model);
                raw.sqlite3_bind_int64(stmt, 4, r.Version);
                raw.sqlite3_bind_text(stmt, 5, r.Arm);
                raw.sqlite3_bind_text(stmt, 6, r.Endpoint);
                raw.sqlite3_bind_double(stmt, 7, r.LatencyMs);
                raw.sqlite3_bind_int64(stmt, 8, r.Rows);
                raw.sqlite3_bind_text(stmt, 9, r.InputsJson);
                raw.sqlite3_bind_text(stmt, 10, r.OutputsJson);
                raw.sqlite3_bind_text(stmt, 11, r.Deployment); // empty when served without a deployment (PredictionRows.NoDeployment)
                var rc = raw.sqlite3_step(stmt);
                raw.sqlite3_reset(stmt);
                if ((rc & 0xFF) == raw.SQLITE_CONSTRAINT)
                    throw new KeelInputException($"prediction log: request id '{Encoding.UTF8.GetString(r.RequestId)}' is already logged; request ids are unique.");
                if (rc != raw.SQLITE_DONE) Check(rc, db);
            }
        }
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
    }

    public async Task AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        await using var conn = await ConnectAsync(ct);
        await conn.ExecAsync(null, "INSERT INTO feedback (request_id, time_ms, outcome) VALUES ($id, $t, $o);", ct,
            ("$id", feedback.RequestId), ("$t", feedback.Time.ToUnixTimeMilliseconds()), ("$o", feedback.OutcomeJson));
    }

    public async Task<LoggedPrediction?> GetAsync(string requestId, CancellationToken ct = default) =>
        await StreamAsync((_, _, _) => Task.FromResult<(string, (string, object?)[])>(("request_id = $id", [("$id", requestId), ("$limit", 1)])), false, ct)
            .FirstOrDefaultAsync(ct);

    public IAsyncEnumerable<LoggedPrediction> ReadAsync(PredictionQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return StreamAsync((conn, tx, token) => PredictionRows.FilterAsync(conn, tx, query, token), query.Newest, ct, query.WithFeedback);
    }

    private async IAsyncEnumerable<LoggedPrediction> StreamAsync(Func<DbConnection, DbTransaction, CancellationToken, Task<(string Where, (string, object?)[] Args)>> filter,
        bool newest, [EnumeratorCancellation] CancellationToken ct, bool withFeedback = false)
    {
        await using var conn = await ConnectAsync(ct);
        // A deferred transaction reads one snapshot; in WAL mode the server's appends go on meanwhile.
        await using var tx = conn.BeginTransaction(deferred: true);
        var (where, args) = await filter(conn, tx, ct);
        await foreach (var p in PredictionRows.StreamAsync(conn, tx, "feedback", where, newest, args, ct, withFeedback)) yield return p;
    }

    public async IAsyncEnumerable<LoggedLatency> ReadLatenciesAsync(PredictionQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var conn = await ConnectAsync(ct);
        var (where, args) = await PredictionRows.FilterAsync(conn, null, query, ct);
        await foreach (var l in PredictionRows.StreamLatenciesAsync(conn, null, where, query.Newest, args, ct)) yield return l;
    }

    public ValueTask DisposeAsync()
    {
        using (var conn = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(conn);
        return ValueTask.CompletedTask;
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        await conn.ExecAsync(null, "PRAGMA synchronous=NORMAL;", ct);
        return conn;
    }
}
