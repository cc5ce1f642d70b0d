namespace Keel.Search.Tests;

public sealed class AssemblyTests
{
    [Fact]
    public void Name_IsTheLibraryName() => Assert.Equal("Keel.Search", typeof(SearchAssembly).Assembly.GetName().Name);
}
