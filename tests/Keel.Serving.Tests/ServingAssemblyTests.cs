using Keel.Serving;

namespace Keel.Serving.Tests;

public sealed class ServingAssemblyTests
{
    [Fact]
    public void Name_Loaded_IsKeelServing() => Assert.Equal("Keel.Serving", ServingAssembly.Name);
}
