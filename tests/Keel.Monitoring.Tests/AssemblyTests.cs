namespace Keel.Monitoring.Tests;

public sealed class AssemblyTests
{
    [Fact]
    public void Name_IsTheLibraryName() => Assert.Equal("Keel.Monitoring", typeof(MonitoringAssembly).Assembly.GetName().Name);
}
