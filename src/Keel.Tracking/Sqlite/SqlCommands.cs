using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Npgsql;

namespace Keel.Tracking.Sqlite;

/// <summary>
/// Parameterised command helpers over any ADO.NET connection: values always travel as parameters, never inside SQL text.
/// SQL is written with <c>$name</c> parameters (SQLite's form); on PostgreSQL they become <c>@name</c>, which Npgsql binds.
/// </summary>
internal static partial class SqlCommands
{
    private static readonly ConcurrentDictionary<string, string> PostgresText = new(StringComparer.Ordinal);

    [GeneratedRegex(@"\$([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex DollarParameter();

    public static DbCommand Command(this DbConnection conn, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var postgres = conn is NpgsqlConnection;
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = postgres ? PostgresText.GetOrAdd(sql, s => DollarParameter().Replace(s, "@$1")) : sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = postgres && name.StartsWith('$') ? name[1..] : name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public static async Task<int> ExecAsync(this DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = conn.Command(tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(this DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = conn.Command(tx, sql, args);
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is DBNull ? null : v;
    }

    /// <summary>Reads every row with <paramref name="map"/>.</summary>
    public static async Task<List<T>> QueryAsync<T>(this DbConnection conn, DbTransaction? tx, string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = conn.Command(tx, sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    /// <summary>A REAL column that may be NULL: NaN is stored as NULL, so NULL reads back as NaN.</summary>
    public static double GetDoubleOrNaN(this DbDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    /// <summary>NaN becomes NULL explicitly (SQLite would do so silently; PostgreSQL would keep NaN, and both must read alike).</summary>
    public static object DoubleOrNull(double v) => double.IsNaN(v) ? DBNull.Value : v;

    /// <summary>An integer column read as Int32 whatever width the engine returns (SQLite: Int64; PostgreSQL: the declared type).</summary>
    public static int GetInt(this DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An integer column read as Int64 whatever width the engine returns.</summary>
    public static long GetLong(this DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
}
