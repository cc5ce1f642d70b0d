namespace Keel.Reports;

/// <summary>The report's inline stylesheet: system fonts, light theme, responsive width. No '&lt;' or '&amp;' so it stays valid XML text.</summary>
internal static class ReportStyles
{
    public const string Css = """
        :root { --fg: #1f2328; --muted: #59636e; --border: #d8dee4; --panel: #f6f8fa; --accent: #0072B2;
                --sel: #fff3e0; --good: #1a7f37; --bad: #cf222e; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #fff; color: var(--fg); font-size: 14px; line-height: 1.45;
               font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1200px; margin: 0 auto; padding: 24px 20px 64px; }
        h1 { font-size: 1.6rem; margin: 0 0 6px; overflow-wrap: anywhere; }
        h2 { font-size: 1.25rem; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--border); }
        h3 { font-size: 1.05rem; margin: 20px 0 8px; }
        nav { margin: 4px 0 16px; }
        nav a { color: var(--accent); text-decoration: none; margin-right: 14px; }
        nav a:hover { text-decoration: underline; }
        .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 8px 12px; margin: 12px 0; }
        .fact { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 6px 10px; min-width: 0; }
        .fact .k { display: block; font-size: .72rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
        .fact .v { font-weight: 600; overflow-wrap: anywhere; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 9px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: middle; }
        th { background: var(--panel); font-size: .78rem; font-weight: 600; color: var(--muted); white-space: nowrap; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        tbody tr:nth-child(even) td { background: #fbfcfd; }
        tbody tr.selected td { background: var(--sel); }
        tbody tr.selected td:first-child { box-shadow: inset 3px 0 0 #D55E00; }
        table.kv, table.metrics, table.per-class { width: auto; min-width: 40%; }
        .badge { display: inline-block; font-size: .7rem; font-weight: 600; padding: 0 7px; border-radius: 10px;
                 border: 1px solid var(--border); color: var(--muted); margin-left: 6px; vertical-align: 1px; }
        .badge.sel { background: #D55E00; border-color: #D55E00; color: #fff; }
        .badge.pass { background: var(--good); border-color: var(--good); color: #fff; }
        .badge.fail { background: var(--bad); border-color: var(--bad); color: #fff; }
        .badge.warn { border-color: #bf8700; color: #7d4e00; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; margin: 8px 0 16px; }
        .charts figure { margin: 0; padding: 6px; border: 1px solid var(--border); border-radius: 6px; background: #fff; max-width: 100%; }
        svg.keel-chart { display: block; max-width: 100%; height: auto; }
        td svg.keel-chart.compact { display: inline-block; vertical-align: middle; }
        ul.gates { list-style: none; padding: 0; margin: 8px 0; }
        ul.gates li { padding: 6px 0; border-bottom: 1px solid var(--border); }
        ul.gates li .badge { margin: 0 8px 0 0; min-width: 42px; text-align: center; }
        .candidate-model { border: 1px solid var(--border); border-left: 4px solid #D55E00; border-radius: 6px; padding: 4px 16px 8px; margin: 12px 0; }
        details.candidate { border: 1px solid var(--border); border-radius: 6px; margin: 10px 0; padding: 0 16px; }
        details.candidate > summary { cursor: pointer; padding: 10px 0; font-weight: 600; }
        details.candidate[open] > summary { border-bottom: 1px solid var(--border); margin-bottom: 8px; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; overflow-wrap: anywhere; }
        .muted { color: var(--muted); }
        footer { margin-top: 48px; color: var(--muted); font-size: .8rem; }
        @media (max-width: 640px) { main { padding: 12px; } .facts { grid-template-columns: 1fr 1fr; } }
        """;
}
