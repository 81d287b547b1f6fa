// A TimeProvider whose clock moves only when a test says so, for the Date header. Not a timer source.
namespace Skein.Testing;

public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
