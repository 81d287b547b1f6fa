// Every test in this assembly checks, after it ran, that the test host still has the descriptor 0 it had before:
// the process's standard input must never be closed by anything but its owner. Something did once (an aborted
// .NET Accept closes descriptor 0: Listener.AcceptShared says how), and every child process started afterwards
// inherited no standard input while pipes and sockets took number 0 and were closed again in turn. A test that
// fails here ran while it happened (it, or a test running beside it, closed the descriptor).
using System.Reflection;
using Xunit.Sdk;

[assembly: Skein.Server.Tests.StandardInputGuard]

namespace Skein.Server.Tests;

[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
public sealed class StandardInputGuardAttribute : BeforeAfterTestAttribute
{
    private static readonly AsyncLocal<string?> AtStart = new();

    public override void Before(MethodInfo methodUnderTest) => AtStart.Value = Describe();

    public override void After(MethodInfo methodUnderTest)
    {
        var before = AtStart.Value;
        var after = Describe();
        if (before is not null && before != after)
        {
            throw new InvalidOperationException($"descriptor 0 of the test host changed while {methodUnderTest.Name} ran: it was {before}, it is {after ?? "closed"}");
        }
    }

    // What descriptor 0 is (the link /proc shows, e.g. /dev/null or pipe:[1234]); null when it is closed.
    internal static string? Describe()
    {
        try
        {
            return new FileInfo("/proc/self/fd/0").LinkTarget;
        }
        catch (IOException)
        {
            return null; // closed between the look and the read
        }
    }
}
