namespace Keel.Monitoring;

/// <summary>Marker for the monitoring step library (drift, performance once labels arrive, alerts).</summary>
public static class MonitoringAssembly
{
    /// <summary>The library's name, as shown in diagnostics.</summary>
    public const string Name = "Keel.Monitoring";
}
