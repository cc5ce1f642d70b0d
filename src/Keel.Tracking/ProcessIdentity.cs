namespace Keel.Tracking;

/// <summary>Which process owns a running run: host name, process id and process start time (UTC ticks), stored as tags keel.host, keel.pid, keel.pstart.</summary>
/// <remarks>The start time tells a live owner from an unrelated process that got the same pid later.</remarks>
public sealed record ProcessIdentity(string Host, int ProcessId, long ProcessStartTicks);
