using Keel.Core;
using Keel.Core.Alerts;
using System.Data.Common;

namespace Keel.Tracking.Sqlite;

/// <summary><see cref="IAlertStore"/> in the store database (SQLite or PostgreSQL, the same SQL); triggers keep the history append-only.</summary>
internal sealed class SqliteAlertStore(StoreDatabase db) : IAlertStore
{
    private const string Columns = "id, scope, rule, value, window_key, at, delivered";

    public Task<AlertRecord> AppendAsync(AlertRecord alert, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (string.IsNullOrWhiteSpace(alert.Scope) || string.IsNullOrWhiteSpace(alert.Rule))
            throw new KeelInputException("alert: expected a scope (a model or deployment) and a rule, both non-empty.");
        return db.WriteAsync(async (conn, tx) =>
        {
            var id = Convert.ToInt64(await conn.ScalarAsync(tx, """
                INSERT INTO alerts (scope, rule, value, window_key, at, delivered) VALUES ($s, $r, $v, $w, $t, $d) RETURNING id;
                """, ct, ("$s", alert.Scope), ("$r", alert.Rule), ("$v", SqlCommands.DoubleOrNull(alert.Value)), ("$w", alert.Window),
                ("$t", TimeText.Write(alert.At)), ("$d", alert.Delivered)), System.Globalization.CultureInfo.InvariantCulture);
            return alert with { Id = id };
        }, ct);
    }

    public Task<IReadOnlyList<AlertRecord>> ListAsync(AlertQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Only the filters given become SQL: PostgreSQL cannot type a parameter that is only ever compared with NULL.
        var where = (query.Scope is null ? "1 = 1" : "scope = $s") + (query.Since is null ? "" : " AND at >= $since")
            + (query.Model is null ? "" : $" AND ({OfModel("scope")} OR scope IN (SELECT name FROM deployments WHERE {OfModel("champion")} OR {OfModel("challenger")}))");
        return db.ReadAsync<IReadOnlyList<AlertRecord>>(async (conn, tx) => await conn.QueryAsync(tx,
            $"SELECT {Columns} FROM alerts WHERE {where} ORDER BY id DESC LIMIT $limit;", Read, ct,
            ("$s", query.Scope), ("$since", query.Since is { } t ? TimeText.Write(t) : null), ("$m", query.Model), ("$limit", Math.Max(0, query.Limit))), ct);
    }

    /// <summary>SQL: <paramref name="column"/> names the model $m (NAME, NAME@ALIAS or NAME:VERSION).</summary>
    private static string OfModel(string column) => $"({column} = $m OR substr({column}, 1, length($m) + 1) IN ($m || '@', $m || ':'))";

    public Task<AlertRecord?> LastAsync(string scope, string rule, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => (await conn.QueryAsync(tx, $"SELECT {Columns} FROM alerts WHERE scope = $s AND rule = $r ORDER BY id DESC LIMIT 1;",
            Read, ct, ("$s", scope), ("$r", rule))).FirstOrDefault(), ct);

    public Task<bool> ExistsAsync(string scope, string rule, string window, CancellationToken ct = default) =>
        db.ReadAsync(async (conn, tx) => await conn.ScalarAsync(tx, "SELECT 1 FROM alerts WHERE scope = $s AND rule = $r AND window_key = $w LIMIT 1;", ct,
            ("$s", scope), ("$r", rule), ("$w", window)) is not null, ct);

    private static AlertRecord Read(DbDataReader r) => new()
    {
        Id = r.GetLong(0),
        Scope = r.GetString(1),
        Rule = r.GetString(2),
        Value = r.GetDoubleOrNaN(3),
        Window = r.GetString(4),
        At = TimeText.Read(r.GetString(5)),
        Delivered = r.GetString(6),
    };
}
