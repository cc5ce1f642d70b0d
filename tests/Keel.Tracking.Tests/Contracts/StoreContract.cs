namespace Keel.Tracking.Tests.Contracts;

/// <summary>
/// Base of every contract suite: a backend subclass supplies a fresh store per test (xunit makes one instance per test)
/// and closes it afterwards; the suite drives it with a hand-moved clock.
/// </summary>
public abstract class StoreContract<TStore> : IAsyncLifetime where TStore : class
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The store under test, created before each test.</summary>
    protected TStore Subject { get; private set; } = null!;

    /// <summary>A fresh, empty store using <paramref name="time"/> as its clock.</summary>
    protected abstract Task<TStore> CreateAsync(TimeProvider time);

    /// <summary>Closes whatever <see cref="CreateAsync"/> opened and removes its data.</summary>
    protected abstract Task CloseAsync();

    public async Task InitializeAsync() => Subject = await CreateAsync(Time);

    public Task DisposeAsync() => CloseAsync();
}
