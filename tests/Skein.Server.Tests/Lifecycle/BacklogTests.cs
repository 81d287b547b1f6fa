// The default listen backlog: the kernel's own ceiling, so a burst of clients waits in the accept queue
// rather than meeting SYN drops at an arbitrary smaller depth.
namespace Skein.Server.Tests.Lifecycle;

public sealed class BacklogTests
{
    [Fact]
    public void The_default_backlog_is_the_kernels_somaxconn()
    {
        var somaxconn = int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(somaxconn, new ServerOptions().Backlog);
        Assert.True(new ServerOptions().Backlog >= 128);
    }
}
