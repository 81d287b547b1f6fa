// The header fields a handler sets on a response, checked against response splitting. Not the framing fields: the core writes those.
namespace Skein.Http;

/// <summary>
/// The header fields of a response, in the order they are added. Names and values are written as
/// Latin-1; a value containing CR, LF or NUL is refused when added (response splitting). The core adds
/// Date, Server, Content-Length / Transfer-Encoding and Connection itself: Content-Length,
/// Transfer-Encoding and Connection added here are ignored (framing belongs to the core), while a Date or
/// Server added here replaces the core's.
/// </summary>
public sealed class ResponseHeaders
{
    private static readonly System.Buffers.SearchValues<char> NameForbidden = System.Buffers.SearchValues.Create(":\r\n \t\0");
    private static readonly System.Buffers.SearchValues<char> ValueForbidden = System.Buffers.SearchValues.Create("\r\n\0");

    private readonly List<KeyValuePair<string, string>> _fields = new(8);

    /// <summary>Number of fields.</summary>
    public int Count => _fields.Count;

    /// <summary>The field at <paramref name="index"/>.</summary>
    public KeyValuePair<string, string> this[int index] => _fields[index];

    /// <summary>Adds a field. Throws <see cref="ArgumentException"/> for an invalid name or a value with CR, LF or NUL.</summary>
    public ResponseHeaders Add(string name, string value)
    {
        if (name.Length == 0 || name.AsSpan().IndexOfAny(NameForbidden) >= 0)
        {
            throw new ArgumentException($"Invalid header name '{name}'.", nameof(name));
        }
        if (value.AsSpan().IndexOfAny(ValueForbidden) >= 0)
        {
            throw new ArgumentException($"Header '{name}' has CR, LF or NUL in its value.", nameof(value));
        }
        _fields.Add(new(name, value));
        return this;
    }

    /// <summary>Replaces every field named <paramref name="name"/> (case-insensitive) with one.</summary>
    public ResponseHeaders Set(string name, string value)
    {
        Remove(name);
        return Add(name, value);
    }

    /// <summary>Removes every field named <paramref name="name"/> (case-insensitive).</summary>
    public bool Remove(string name) => _fields.RemoveAll(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) > 0;

    /// <summary>The first value of <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Get(string name)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }
        return null;
    }

    /// <summary>Removes every field.</summary>
    public void Clear() => _fields.Clear();
}
