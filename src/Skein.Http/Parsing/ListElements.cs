// A zero-allocation enumerator over the elements of a comma-separated field value (RFC 9110 §5.6.1).
// It splits and trims; it does not know what any element means.
namespace Skein.Http.Parsing;

/// <summary>The non-empty elements of a comma-separated field value, without OWS (RFC 9110 §5.6.1:
/// recipients accept and ignore empty elements). A ref struct enumerator, so nothing is allocated.</summary>
internal ref struct ListElements(ReadOnlySpan<byte> value)
{
    private ReadOnlySpan<byte> _rest = value;

    public ReadOnlySpan<byte> Current { get; private set; }

    public readonly ListElements GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_rest.Length > 0)
        {
            var comma = _rest.IndexOf((byte)',');
            var element = comma < 0 ? _rest : _rest[..comma];
            _rest = comma < 0 ? [] : _rest[(comma + 1)..];
            element = element.Trim(HttpCharacters.Whitespace);
            if (element.Length > 0)
            {
                Current = element;
                return true;
            }
        }
        return false;
    }
}
