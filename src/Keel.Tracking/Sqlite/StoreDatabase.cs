using System.Data.Common;

namespace Keel.Tracking.Sqlite;

/// <summary>
/// One relational database behind the stores (SQLite file or PostgreSQL database): opens connections and runs work in write
/// transactions (serialised across processes, so read-then-write sequences such as the next version number cannot interleave)
/// or read transactions (one consistent snapshot). The stores' SQL is written once for both: values travel as <c>$name</c>
/// parameters and only syntax both engines accept is used.
/// </summary>
internal abstract class StoreDatabase
{
    /// <summary>Where the database lives, for messages: a file path or a URI without its password.</summary>
    public abstract string Path { get; }

    /// <summary>Opened for reading only: nothing is created, migrated or written.</summary>
    public abstract bool ReadOnly { get; }

    /// <summary>An open connection, configured for the stores.</summary>
    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in one write transaction that holds the database's write lock: all of it commits, or none.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> on a fresh connection in a read transaction (one consistent snapshot).</summary>
    public abstract Task<T> ReadAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct);

    /// <summary>The schema version the database is at (the number of migrations applied).</summary>
    public Task<int> SchemaVersionAsync(CancellationToken ct) => ReadAsync(async (conn, tx) =>
        Convert.ToInt32(await conn.ScalarAsync(tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", ct) ?? 0,
            System.Globalization.CultureInfo.InvariantCulture), ct);

    /// <summary>Lets go of pooled connections (SQLite: so the file can be moved or deleted).</summary>
    public abstract void Release();
}
