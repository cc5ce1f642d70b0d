using Keel.Core.Access;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IAuditLog"/> backend must show.</summary>
public abstract class AuditLogContract : StoreContract<IAuditLog>
{
    protected IAuditLog Log => Subject;

    [Fact]
    public async Task Append_ThreeEntries_ListedOldestFirstWithSequence()
    {
        for (var i = 0; i < 3; i++)
            await Log.AppendAsync(new AuditEntry(0, T0.AddMinutes(i), $"token t{i}", "POST /api/v1/runs", $"run r{i}", 200));
        var all = await Log.ListAsync(10);
        Assert.Equal(["run r0", "run r1", "run r2"], all.Select(e => e.Target));
        Assert.Equal(all.Select(e => e.Seq).Order(), all.Select(e => e.Seq));
        Assert.Equal((T0.AddMinutes(2), "token t2", "POST /api/v1/runs", 200), (all[2].At, all[2].Actor, all[2].Action, all[2].Status));
        Assert.Equal(["run r1", "run r2"], (await Log.ListAsync(2)).Select(e => e.Target));
    }
}
