// The concurrency models that run inside the test process (the process models need the real binary and
// run in the integration matrix), as xunit rows, and a helper to start a server with the test handler.
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests;

internal static class InProcessModels
{
    public static TheoryData<ConcurrencyModel> All =>
        [ConcurrencyModel.Single, ConcurrencyModel.Thread, ConcurrencyModel.ThreadPool, ConcurrencyModel.Async];

    public static ServerUnderTest Start(ConcurrencyModel model, TestHandler handler, Func<ServerOptions, ServerOptions>? configure = null)
    {
        var options = new ServerOptions { Model = model, Workers = model == ConcurrencyModel.ThreadPool ? 8 : null, ShutdownTimeout = TimeSpan.FromSeconds(5) };
        return ServerUnderTest.Start(configure is null ? options : configure(options), handler);
    }
}
