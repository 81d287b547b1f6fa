// The log scope of one connection: makes "conn=42" part of every log line written while serving it,
// on whichever thread (scopes flow with the async context). Only created when logging is verbose.
namespace Skein.Server.Logging;

/// <summary>A log scope value carrying a connection id; prints as <c>conn=42</c>.</summary>
public sealed class ConnectionScope(long connectionId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The connection id.</summary>
    public long ConnectionId { get; } = connectionId;

    /// <inheritdoc/>
    public int Count => 1;

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index]
        => index == 0 ? new("ConnectionId", ConnectionId) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary><c>conn=42</c></summary>
    public override string ToString() => $"conn={ConnectionId}";
}
