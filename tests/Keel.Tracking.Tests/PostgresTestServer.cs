using System.Diagnostics;
using Npgsql;

namespace Keel.Tracking.Tests;

/// <summary>
/// A real PostgreSQL for the contract suites: KEEL_TEST_POSTGRES (an Npgsql connection string) when set, else a throwaway cluster
/// started once per test process by scripts/pg-test-server.sh (temporary folder, random port, installed from Debian packages
/// when missing and run as root) and stopped when the process exits. Each test gets its own schema, dropped afterwards.
/// </summary>
public static class PostgresTestServer
{
    private static readonly Lazy<string> Connection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A store URI for a fresh, empty schema, and a callback that drops it.</summary>
    public static (string Uri, Func<Task> Drop) NewSchema()
    {
        var builder = new NpgsqlConnectionStringBuilder(Connection.Value);
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        var uri = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}?schema={schema}";
        return (uri, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(Connection.Value);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", conn);
            await cmd.ExecuteNonQueryAsync();
        });
    }

    /// <summary>An Npgsql connection string whose search path is <paramref name="schema"/>.</summary>
    public static string ConnectionFor(string schema) => new NpgsqlConnectionStringBuilder(Connection.Value) { SearchPath = schema, Pooling = false }.ConnectionString;

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("KEEL_TEST_POSTGRES") is { Length: > 0 } given) return given;
        var script = Path.Combine(RepoRoot(), "scripts", "pg-test-server.sh");
        var dir = Path.Combine(Path.GetTempPath(), $"keel-pg-{Environment.ProcessId}");
        var env = new Dictionary<string, string> { ["PGTEST_PORT"] = "random", ["PGTEST_DIR"] = dir, ["PGTEST_DB"] = "keel_test" };
        var url = Run(script, "start", env);
        var port = new NpgsqlConnectionStringBuilder(url).Port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            env["PGTEST_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            try { Run(script, "stop", env); } catch (InvalidOperationException) { }
            try { Directory.Delete(dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        };
        return url;
    }

    private static string Run(string script, string command, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo("bash", [script, command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{script} {command} failed (exit {p.ExitCode}); PostgreSQL is needed for the PostgreSQL contract tests "
                + $"(.ci/run installs it, or set KEEL_TEST_POSTGRES): {stderr.Result}");
        return stdout.Trim();
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Keel.slnx"))) return d.FullName;
        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }
}
