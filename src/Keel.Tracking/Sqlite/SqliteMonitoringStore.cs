using System.Text.Json;
using Keel.Core.Monitoring;

namespace Keel.Tracking.Sqlite;

/// <summary><see cref="IMonitoringStore"/> in the tracking database: one row per window, figures as a JSON object.</summary>
internal sealed class SqliteMonitoringStore(StoreDatabase db) : IMonitoringStore
{
    public Task<IReadOnlyList<MonitoringWindow>> AppendAsync(IReadOnlyList<MonitoringWindow> windows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        foreach (var w in windows)
        {
            if (string.IsNullOrWhiteSpace(w.Model) || w.Version < 1 || string.IsNullOrWhiteSpace(w.Window))
                throw new Keel.Core.KeelInputException($"monitoring window '{w.Window}' of '{w.Model}' version {w.Version}: expected a model name, a version ≥ 1 and a window label");
        }
        return db.WriteAsync<IReadOnlyList<MonitoringWindow>>(async (conn, tx) =>
        {
            var stored = new List<MonitoringWindow>(windows.Count);
            foreach (var w in windows)
            {
                var id = Convert.ToInt64(await conn.ScalarAsync(tx, """
                    INSERT INTO monitoring_windows (model, version, window_label, from_time, to_time, created_at, source, figures_json, detail_json)
                    VALUES ($m, $v, $w, $f, $t, $c, $s, $fig, $d) RETURNING id;
                    """, ct, ("$m", w.Model), ("$v", w.Version), ("$w", w.Window),
                    ("$f", w.From is { } f ? TimeText.Write(f) : null), ("$t", w.To is { } t ? TimeText.Write(t) : null),
                    ("$c", TimeText.Write(w.CreatedAt)), ("$s", w.Source), ("$fig", JsonSerializer.Serialize(w.Figures)), ("$d", w.DetailJson)), System.Globalization.CultureInfo.InvariantCulture);
                stored.Add(w with { Id = id });
            }
            return stored;
        }, ct);
    }

    public Task<IReadOnlyList<MonitoringWindow>> ListAsync(string model, int? version, int limit = 1000, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<MonitoringWindow>>(async (conn, tx) =>
        {
            // No "$v IS NULL OR …": PostgreSQL cannot type a parameter that is only compared with NULL.
            var versionClause = version is null ? "" : " AND version = $v";
            var rows = await conn.QueryAsync(tx,
                "SELECT id, model, version, window_label, from_time, to_time, created_at, source, figures_json, detail_json FROM monitoring_windows " +
                $"WHERE model = $m{versionClause} ORDER BY id DESC LIMIT $l;", r => new MonitoringWindow
                {
                    Id = r.GetLong(0), Model = r.GetString(1), Version = (int)r.GetLong(2), Window = r.GetString(3),
                    From = r.IsDBNull(4) ? null : TimeText.Read(r.GetString(4)), To = r.IsDBNull(5) ? null : TimeText.Read(r.GetString(5)),
                    CreatedAt = TimeText.Read(r.GetString(6)), Source = r.GetString(7),
                    Figures = JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(8)) ?? [],
                    DetailJson = r.GetString(9),
                }, ct, ("$m", model), ("$v", version ?? 0), ("$l", Math.Max(1, limit)));
            rows.Reverse();
            return rows;
        }, ct);
}
