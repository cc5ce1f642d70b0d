namespace Keel.Serving;

/// <summary>Marks the serving library; its endpoints, rollouts and prediction log live beside this type.</summary>
public static class ServingAssembly
{
    /// <summary>The assembly's informational name, shown by the server's health answers.</summary>
    public static string Name => typeof(ServingAssembly).Assembly.GetName().Name ?? "Keel.Serving";
}
