// A set of POSIX signal handlers registered together and removed together (ShutdownCoordinator's, Reloader's).
using System.Runtime.InteropServices;

namespace Skein.Server.Lifecycle;

/// <summary>Disposes every registration, restoring the default handling of its signal.</summary>
internal sealed class SignalRegistrations(PosixSignalRegistration[] items) : IDisposable
{
    public void Dispose()
    {
        foreach (var item in items)
        {
            item.Dispose();
        }
    }
}
