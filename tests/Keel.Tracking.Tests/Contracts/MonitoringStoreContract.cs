using Keel.Core;
using Keel.Core.Monitoring;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IMonitoringStore"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract class MonitoringStoreContract : StoreContract<IMonitoringStore>
{
    protected IMonitoringStore Store => Subject;

    protected static MonitoringWindow Window(string label, int version = 1, double psi = 0.1) => new()
    {
        Model = "shop", Version = version, Window = label, CreatedAt = T0, Source = "current.csv",
        From = T0.AddDays(-1), To = T0,
        Figures = new Dictionary<string, double> { ["psi(amount)"] = psi, ["drift_share"] = 0.5 },
        DetailJson = """{"window":"x"}""",
    };

    [Fact]
    public async Task AppendList_TwoPasses_OldestFirstWithFigures()
    {
        var first = await Store.AppendAsync([Window("2024-02"), Window("2024-03", psi: 0.7)]);
        await Store.AppendAsync([Window("2024-04", version: 2)]);

        Assert.True(first[0].Id < first[1].Id);
        var v1 = await Store.ListAsync("shop", 1);
        Assert.Equal(["2024-02", "2024-03"], v1.Select(w => w.Window));
        Assert.Equal(0.7, v1[1].Figures["psi(amount)"]);
        Assert.Equal(T0.AddDays(-1), v1[0].From);
        Assert.Equal("""{"window":"x"}""", v1[0].DetailJson);
        Assert.Equal(["2024-02", "2024-03", "2024-04"], (await Store.ListAsync("shop", null)).Select(w => w.Window));
        Assert.Equal(["2024-03", "2024-04"], (await Store.ListAsync("shop", null, limit: 2)).Select(w => w.Window));
        Assert.Empty(await Store.ListAsync("other", null));
    }

    [Fact]
    public async Task Append_BadWindowInBatch_StoresNothing()
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.AppendAsync([Window("ok"), Window("bad", version: 0)]));
        Assert.Contains("version", e.Message);
        Assert.Empty(await Store.ListAsync("shop", null));
    }
}
