using System.Runtime.CompilerServices;
using System.Text;
using Keel.Core.Data;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Serving.Requests;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests;

/// <summary>
/// The shadow queue copies a request's values into slots allocated once, so queuing a copy allocates nothing and keeps none of the
/// request's objects alive (they would otherwise outlive collections while they wait); the worker's pause after a batch is bounded.
/// </summary>
[Collection(ServedModelCollection.Name)]
public sealed class ShadowRingTests(ServedModelFixture f)
{
    private LoadedModel? _model;

    private async Task<LoadedModel> ModelAsync() => _model ??= await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);

    private static Table Bind(LoadedModel model, string csv) =>
        MlflowRequest.BindCsv(Encoding.UTF8.GetBytes(csv), model.InputSchema, model.Binding, 10_000);

    private ShadowCopy Copy(LoadedModel model, int row, int rows = 1) =>
        new("invocations", model, model, Bind(model, f.CsvRows(Enumerable.Range(row, rows))), ([], false),
            new ArmOutcome(Guid.CreateVersion7().ToString("N"), Arm.Champion, TimeSpan.FromMilliseconds(row), false, 0.25 + row, "good"));

    [Fact]
    public async Task ReadBatch_CopiedRequests_RowRangesOfOneTableWithSameValuesAndOutcomes()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(8, 4);
        // Rows 0..5 include missing values and every column type of credit_data; one copy of three rows.
        var copies = new[] { Copy(model, 0), Copy(model, 1, 3), Copy(model, 4), Copy(model, 5) };
        foreach (var c in copies) Assert.True(ring.TryWrite(c, byReference: false));

        var batch = new List<ShadowCopy>();
        ring.ReadBatch(128, batch);

        Assert.Equal(4, batch.Count);
        Assert.All(batch, c => Assert.Same(batch[0].Rows, c.Rows));
        Assert.Equal(6, batch[0].Rows.RowCount);
        Assert.Equal([0, 1, 4, 5], batch.Select(c => c.FirstRow));
        for (var i = 0; i < copies.Length; i++)
        {
            var expected = copies[i];
            var got = batch[i].Own();
            Assert.NotSame(expected.Rows, got);
            Assert.Equal(expected.Rows.Columns.Select(c => (c.Name, c.Type, c.GetType())), got.Columns.Select(c => (c.Name, c.Type, c.GetType())));
            Assert.Equal(expected.Rows.RowCount, got.RowCount);
            for (var c = 0; c < expected.Rows.Columns.Count; c++)
            {
                for (var r = 0; r < expected.Rows.RowCount; r++)
                {
                    Assert.Equal(expected.Rows.Columns[c].IsMissing(r), got.Columns[c].IsMissing(r));
                    Assert.Equal(expected.Rows.Columns[c].Format(r), got.Columns[c].Format(r));
                }
            }
            Assert.Equal(expected.ChampionOutcome, batch[i].ChampionOutcome);
            Assert.Same(expected.Champion, batch[i].Champion);
            Assert.Equal(expected.Endpoint, batch[i].Endpoint);
        }
        ring.ReadBatch(128, batch);
        Assert.Empty(batch);
    }

    [Fact]
    public async Task ReadBatch_CopiesSharingATable_SameAnswersAsOneAtATime()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(64, 4);
        var copies = Enumerable.Range(0, 40).Select(i => Copy(model, i, i % 10 == 3 ? 3 : 1)).ToArray();
        foreach (var c in copies) Assert.True(ring.TryWrite(c, byReference: false));
        var batch = new List<ShadowCopy>();
        ring.ReadBatch(1000, batch);

        var batched = ShadowBatch.Predict(model, batch);

        Assert.Equal(copies.Length, batched.Length);
        for (var i = 0; i < copies.Length; i++)
        {
            var alone = model.Predict(copies[i].Rows);
            Assert.Equal(alone.Probabilities!.Length, batched[i].Probabilities!.Length);
            for (var r = 0; r < alone.Probabilities.Length; r++) Assert.Equal(alone.Probabilities[r], batched[i].Probabilities![r]);
        }
    }

    [Fact]
    public async Task ReadBatch_RowLimitAndKinds_SplitsBatches()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(16, 2);
        Assert.True(ring.TryWrite(Copy(model, 0), byReference: false));
        Assert.True(ring.TryWrite(Copy(model, 1), byReference: false));
        Assert.True(ring.TryWrite(Copy(model, 2), byReference: false));
        Assert.True(ring.TryWrite(Copy(model, 3, 3), byReference: false)); // more rows than a slot: by reference
        Assert.True(ring.TryWrite(Copy(model, 6), byReference: false));
        var batch = new List<ShadowCopy>();
        var sizes = new List<int>();
        for (ring.ReadBatch(2, batch); batch.Count > 0; ring.ReadBatch(2, batch)) sizes.Add(batch.Sum(c => c.Count));
        // Two rows at most, except a larger copy alone; copied and referenced copies never share a batch.
        Assert.Equal([2, 1, 3, 1], sizes);
    }

    [Fact]
    public async Task TryWrite_WarmSlots_AllocatesNothing()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(16, 4);
        var copies = Enumerable.Range(0, 16).Select(i => Copy(model, i)).ToArray();
        // First pass: each slot sizes its arrays to the request once.
        foreach (var c in copies) Assert.True(ring.TryWrite(c, byReference: false));
        ring.ReadBatch(128, []);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var written = 0;
        foreach (var c in copies) written += ring.TryWrite(c, byReference: false) ? 1 : 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(16, written);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task TryWrite_CopiedRequest_KeepsNoneOfTheRequestsObjects()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(4, 4);
        var (rows, id) = WriteAndForget(ring, model);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // Waiting in the ring, the copy holds no reference to the request's table or request id.
        Assert.False(rows.TryGetTarget(out _));
        Assert.False(id.TryGetTarget(out _));
        Assert.Equal(1, ring.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private (WeakReference<Table> Rows, WeakReference<string> Id) WriteAndForget(ShadowRing ring, LoadedModel model)
    {
        var copy = Copy(model, 2);
        Assert.True(ring.TryWrite(copy, byReference: false));
        return (new WeakReference<Table>(copy.Rows), new WeakReference<string>(copy.ChampionOutcome.RequestId));
    }

    [Fact]
    public async Task TryWrite_LargerThanSlotOrByReference_KeepsTheRequestsRowsAndBody()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(4, 2);
        var large = Copy(model, 0, 3);
        var other = Copy(model, 3) with { Body = ([1, 2, 3], true) };
        Assert.True(ring.TryWrite(large, byReference: false));
        Assert.True(ring.TryWrite(other, byReference: true));

        var batch = new List<ShadowCopy>();
        ring.ReadBatch(128, batch);
        Assert.Equal(2, batch.Count);
        var (a, b) = (batch[0], batch[1]);
        Assert.Same(large.Rows, a.Rows);
        Assert.Same(other.Rows, b.Rows);
        Assert.Same(other.Body.Body, b.Body.Body);
        Assert.True(b.Body.Csv);
        Assert.Same(other.ChampionOutcome.RequestId, b.ChampionOutcome.RequestId);
    }

    [Fact]
    public async Task TryWrite_Full_RefusesUntilTheReaderFreesASlot()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(3, 1); // rounded up to 4
        Assert.Equal(4, ring.Capacity);
        for (var i = 0; i < 4; i++) Assert.True(ring.TryWrite(Copy(model, i), byReference: false));
        Assert.False(ring.TryWrite(Copy(model, 4), byReference: false));
        var batch = new List<ShadowCopy>();
        ring.ReadBatch(1, batch);
        Assert.Equal(0.25, Assert.Single(batch).ChampionOutcome.Score);
        Assert.True(ring.TryWrite(Copy(model, 5), byReference: false));
        Assert.Equal(4, ring.Count);
    }

    [Fact]
    public async Task ReadBatch_ManyWritersOneReader_EveryAcceptedCopyReadOnce()
    {
        var model = await ModelAsync();
        var ring = new ShadowRing(8, 1);
        var copies = Enumerable.Range(0, 8).Select(i => Copy(model, i)).ToArray();
        var accepted = 0L;
        var done = 0;
        var read = new List<double>();
        var reader = new Thread(() =>
        {
            var batch = new List<ShadowCopy>();
            while (Volatile.Read(ref done) == 0 || ring.Count > 0)
            {
                ring.ReadBatch(3, batch);
                if (batch.Count == 0) Thread.Yield();
                read.AddRange(batch.Select(c => c.ChampionOutcome.Score));
            }
        });
        reader.Start();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                if (ring.TryWrite(copies[(w + i) % copies.Length], byReference: false)) Interlocked.Increment(ref accepted);
            }
        })).ToArray();
        await Task.WhenAll(writers);
        Volatile.Write(ref done, 1);
        reader.Join();

        Assert.Equal(accepted, read.Count);
        Assert.All(read, s => Assert.Contains(s, copies.Select(c => c.ChampionOutcome.Score)));
    }

    [Theory]
    [InlineData(1.0, 19.0)]     // a 1 ms batch at a 5 % share pauses 19 ms
    [InlineData(400.0, 100.0)]  // a slow first batch (compiled as it runs) pauses at most MaxPause, not 7.6 s
    [InlineData(0.0, 0.0)]
    public void PauseAfter_Batch_KeepsShareUpToMaxPause(double busyMs, double pauseMs)
    {
        var pacing = new ShadowPacing(256, 128, 0.05, TimeSpan.FromMilliseconds(100), 16);
        Assert.Equal(pauseMs, pacing.PauseAfter(TimeSpan.FromMilliseconds(busyMs)).TotalMilliseconds, 3);
    }

    [Fact]
    public void PauseAfter_WholeCore_NoPause() =>
        Assert.Equal(TimeSpan.Zero, new ShadowPacing(4, 4, 1, TimeSpan.FromMilliseconds(20), 1).PauseAfter(TimeSpan.FromSeconds(1)));
}
