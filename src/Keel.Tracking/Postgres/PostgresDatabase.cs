using System.Data;
using System.Data.Common;
using Keel.Core;
using Keel.Tracking.Sqlite;
using Npgsql;

namespace Keel.Tracking.Postgres;

/// <summary>
/// A PostgreSQL database (optionally one schema of it) behind the stores. Write transactions take a transaction-scoped advisory
/// lock for the schema first, so writers are serialised exactly as SQLite's BEGIN IMMEDIATE serialises them (next version
/// numbers, param immutability and state transitions read and write under one lock), across every process and machine that
/// shares the database. Reads run in REPEATABLE READ (one snapshot) and never wait for writers.
/// </summary>
internal sealed class PostgresDatabase : StoreDatabase
{
    private readonly NpgsqlDataSource _source;

    private PostgresDatabase(NpgsqlDataSource source, string description, bool readOnly)
    {
        _source = source;
        Path = description;
        ReadOnly = readOnly;
    }

    public override string Path { get; }

    public override bool ReadOnly { get; }

    /// <summary>Connects, creates the schema when named and missing, and applies pending migrations (under the schema's lock).</summary>
    /// <exception cref="KeelInputException">The server cannot be reached or refuses the login, or the schema is newer than this Keel.</exception>
    public static async Task<PostgresDatabase> OpenAsync(PostgresUri uri, TimeProvider time, bool readOnly, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(uri.ConnectionString);
        if (readOnly) builder.Options = ((builder.Options ?? "") + " -c default_transaction_read_only=on").Trim();
        var source = NpgsqlDataSource.Create(builder.ConnectionString);
        var db = new PostgresDatabase(source, uri.Description, readOnly);
        try
        {
            await using var conn = await source.OpenConnectionAsync(ct);
            if (readOnly) await db.RequireLatestAsync(conn, ct);
            else await db.MigrateAsync(conn, uri.Schema, time, ct);
            return db;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await source.DisposeAsync();
            throw new KeelInputException($"store '{uri.Description}' cannot be opened: {e.Message}", e);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        if (ReadOnly) throw new KeelInputException($"store '{Path}' was opened read-only");
        await using var conn = await _source.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        // READ COMMITTED after the lock: every statement that follows sees every write committed before the lock was granted.
        await conn.ExecAsync(tx, "SELECT pg_advisory_xact_lock(hashtext(current_schema()));", ct);
        var result = await work(conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    public override async Task<T> ReadAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var conn = await _source.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var result = await work(conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    public override void Release() => _source.Dispose();

    private async Task MigrateAsync(NpgsqlConnection conn, string? schema, TimeProvider time, CancellationToken ct)
    {
        if (schema is not null)
        {
            await using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {QuoteIdentifier(schema)};", conn);
            try { await create.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { } // created by a concurrent opener
        }
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecAsync(tx, "SELECT pg_advisory_xact_lock(hashtext(current_schema()));", ct);
        await conn.ExecAsync(tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);", ct);
        await using (var refuse = new NpgsqlCommand(PostgresSchema.RefuseFunction, conn, tx)) await refuse.ExecuteNonQueryAsync(ct);
        var current = Convert.ToInt32(await conn.ScalarAsync(tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", ct) ?? 0);
        var latest = PostgresSchema.Steps.Length;
        if (current > latest)
            throw new KeelInputException($"store '{Path}': schema version {current} is newer than this Keel knows ({latest}); upgrade Keel");
        for (var v = current; v < latest; v++)
        {
            await using (var step = new NpgsqlCommand(PostgresSchema.Steps[v], conn, tx)) await step.ExecuteNonQueryAsync(ct);
            await conn.ExecAsync(tx, "INSERT INTO schema_version (version, applied_at) VALUES ($v, $t);", ct,
                ("$v", v + 1), ("$t", TimeText.Write(time.GetUtcNow())));
        }
        await tx.CommitAsync(ct);
    }

    private async Task RequireLatestAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var exists = await conn.ScalarAsync(null, "SELECT to_regclass('schema_version') IS NOT NULL;", ct) is true;
        var version = exists ? Convert.ToInt32(await conn.ScalarAsync(null, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", ct) ?? 0) : 0;
        var latest = PostgresSchema.Steps.Length;
        if (version == 0)
            throw new KeelNotFoundException($"store '{Path}' holds no Keel schema yet; `keel run SPEC` creates it");
        if (version != latest)
            throw new KeelInputException(version > latest
                ? $"store '{Path}': schema version {version} is newer than this Keel knows ({latest}); upgrade Keel"
                : $"store '{Path}': schema version {version} must be upgraded to {latest} first; any writing command (e.g. `keel store migrate`) does it");
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
