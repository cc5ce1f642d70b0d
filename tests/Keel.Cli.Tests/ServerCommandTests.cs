using Keel.Core.Access;
using Keel.Core.Deployments;
using Keel.Tracking;

namespace Keel.Cli.Tests;

/// <summary>`keel server`, `keel audit` and token roles from the command line, against a real store.</summary>
public sealed class ServerCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private Task<KeelStore> StoreAsync() => KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder });

    [Fact]
    public async Task TokensCreate_RoleAndScopes_StoredAndListed()
    {
        var created = await _cli.RunAsync("tokens", "create", "trainer", "--role", "write", "--experiment", "churn", "--experiment", "credit", "--json");
        Assert.Equal(0, created.Exit);
        var id = created.Json().GetProperty("id").GetString()!;
        await using (var store = await StoreAsync())
        {
            var t = (await store.Deployments.FindTokenAsync(id))!;
            Assert.Equal((TokenRole.Write, "churn,credit", 0), (t.Role, string.Join(",", t.Experiments), t.Models.Count));
        }
        var list = (await _cli.RunAsync("tokens", "list", "--json")).Json().GetProperty("tokens")[0];
        Assert.Equal("write", list.GetProperty("role").GetString());
    }

    [Fact]
    public async Task TokensCreate_UnknownRole_Exit1NamingTheOption()
    {
        var r = await _cli.RunAsync("tokens", "create", "x", "--role", "owner");
        Assert.Equal(1, r.Exit);
        Assert.Contains("--role 'owner': expected read, write or admin", r.Error);
    }

    [Fact]
    public async Task Server_BeyondLoopbackWithoutTokens_Exit1()
    {
        var r = await _cli.RunAsync("server", "--host", "0.0.0.0", "--port", "0");
        Assert.Equal(1, r.Exit);
        Assert.Contains("needs tokens", r.Error);
    }

    [Fact]
    public async Task Audit_Json_ListsEntriesOldestFirst()
    {
        await using (var store = await StoreAsync())
        {
            await store.Audit.AppendAsync(new AuditEntry(0, DateTimeOffset.UnixEpoch, "token a (t)", "POST /api/v1/runs", "run x", 201));
            await store.Audit.AppendAsync(new AuditEntry(0, DateTimeOffset.UnixEpoch.AddHours(1), "anonymous", "POST /api/v1/runs", "", 401));
        }
        var r = await _cli.RunAsync("audit", "--json");
        Assert.Equal(0, r.Exit);
        var entries = r.Json().GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(["token a (t)", "anonymous"], entries.Select(e => e.GetProperty("actor").GetString()));
        Assert.Contains("anonymous", (await _cli.RunAsync("audit")).Console);
    }
}
