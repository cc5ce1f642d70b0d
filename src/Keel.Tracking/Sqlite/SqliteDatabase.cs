using System.Data.Common;
using Keel.Core;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Sqlite;

/// <summary>One SQLite file: opens configured connections and brings the schema up to date.</summary>
internal sealed class SqliteDatabase : StoreDatabase
{
    private readonly string _connectionString;

    private SqliteDatabase(string path, bool readOnly)
    {
        Path = path;
        ReadOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public override string Path { get; }

    /// <summary>Opened with Mode=ReadOnly: nothing is created, migrated or written.</summary>
    public override bool ReadOnly { get; }

    /// <summary>Creates the file if needed, switches it to WAL and applies pending migrations.</summary>
    /// <exception cref="KeelInputException">Not a Keel database, newer than this Keel, or the file or its folder cannot be written.</exception>
    public static async Task<SqliteDatabase> OpenAsync(string path, TimeProvider time, CancellationToken ct)
    {
        var db = new SqliteDatabase(path, readOnly: false);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            await using var conn = await db.ConnectAsync(ct);
            // WAL is a property of the file: readers never block the single writer, and a crash mid-write leaves the last commit intact.
            await conn.ExecAsync(null, "PRAGMA journal_mode=WAL;", ct);
            await SchemaMigrations.ApplyAsync(conn, path, time, ct);
            return db;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 14 or 26) // SQLITE_CANTOPEN, SQLITE_NOTADB
        {
            db.Release();
            throw new KeelInputException($"store '{path}': expected a Keel SQLite database file that this user can write; {e.Message}", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8) // SQLITE_READONLY
        {
            db.Release();
            throw new KeelInputException($"store '{path}' is read-only (file, folder or file system); commands that write (run, models alias, runs delete, gc) need write access", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            db.Release();
            throw new KeelInputException($"store '{path}' cannot be created or written: {e.Message}", e);
        }
    }

    /// <summary>Opens an existing database for reading only (SQLite Mode=ReadOnly): never creates, migrates or writes anything.</summary>
    /// <exception cref="KeelNotFoundException">There is no database file.</exception>
    /// <exception cref="KeelInputException">Not a Keel database, or its schema is older or newer than this Keel.</exception>
    public static async Task<SqliteDatabase> OpenReadOnlyAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
            throw new KeelNotFoundException($"store '{path}' does not exist; `keel run SPEC` creates it");
        var db = new SqliteDatabase(path, readOnly: true);
        try
        {
            await using var conn = await db.ConnectAsync(ct);
            var version = Convert.ToInt32(await conn.ScalarAsync(null,
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_version') THEN (SELECT COALESCE(MAX(version), 0) FROM schema_version) ELSE 0 END;", ct) ?? 0L);
            if (version != SchemaMigrations.Latest)
                throw new KeelInputException(version > SchemaMigrations.Latest
                    ? $"store '{path}': schema version {version} is newer than this Keel knows ({SchemaMigrations.Latest}); upgrade Keel"
                    : $"store '{path}': schema version {version} must be upgraded to {SchemaMigrations.Latest} first: run `keel store migrate` (any writing command does it too), given write access");
            return db;
        }
        catch (SqliteException e)
        {
            db.Release();
            throw new KeelInputException($"store '{path}' cannot be read: {e.Message}", e);
        }
        catch (KeelInputException)
        {
            db.Release();
            throw;
        }
    }

    /// <summary>An open connection with foreign keys on and a busy timeout, so concurrent writers wait instead of failing.</summary>
    public async Task<SqliteConnection> ConnectAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(_connectionString);
        try
        {
            await conn.OpenAsync(ct);
            await conn.ExecAsync(null, "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;", ct);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct) => await ConnectAsync(ct);

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE): all of it commits, or none.</summary>
    /// <remarks>The write lock is taken up front, so read-then-write sequences (next version number) cannot interleave.</remarks>
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) =>
        InTransactionAsync(work, deferred: false, ct);

    /// <summary>Runs <paramref name="work"/> on a fresh connection in a read transaction (one consistent snapshot).</summary>
    public override Task<T> ReadAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) =>
        InTransactionAsync(work, deferred: true, ct);

    private async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool deferred, CancellationToken ct)
    {
        await using var conn = await ConnectAsync(ct);
        await using var tx = conn.BeginTransaction(deferred);
        var result = await work(conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>Lets go of pooled connections so the file can be moved or deleted.</summary>
    public override void Release()
    {
        using var conn = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(conn);
    }
}

/// <summary>Forward-only schema migrations recorded in schema_version.</summary>
internal static class SchemaMigrations
{
    /// <summary>
    /// Migration i brings the schema to version i + 1. Never edit a released entry; append a new one. PostgreSQL runs the same
    /// steps, translated (Postgres/PostgresSchema.cs), so keep to the DDL that translation knows.
    /// </summary>
    internal static readonly string[] Steps = [SchemaV1.Sql, SchemaV2.Sql, SchemaV3.Sql, SchemaV4.Sql, SchemaV5.Sql, SchemaV6.Sql, SchemaV7.Sql, SchemaV8.Sql, SchemaV9.Sql, SchemaV10.Sql, SchemaV11.Sql];

    public static int Latest => Steps.Length;

    public static async Task ApplyAsync(SqliteConnection conn, string path, TimeProvider time, CancellationToken ct)
    {
        await using var tx = conn.BeginTransaction(deferred: false);
        await conn.ExecAsync(tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);", ct);
        var current = Convert.ToInt32(await conn.ScalarAsync(tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", ct) ?? 0L);
        if (current > Latest)
            throw new KeelInputException($"store '{path}': schema version {current} is newer than this Keel knows ({Latest}); upgrade Keel");
        for (var v = current; v < Latest; v++)
        {
            await conn.ExecAsync(tx, Steps[v], ct);
            await conn.ExecAsync(tx, "INSERT INTO schema_version (version, applied_at) VALUES ($v, $t);", ct,
                ("$v", v + 1), ("$t", TimeText.Write(time.GetUtcNow())));
        }
        await tx.CommitAsync(ct);
    }
}
