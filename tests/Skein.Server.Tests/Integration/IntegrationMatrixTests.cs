// The integration matrix: the same user-visible checks against the real program in all seven concurrency
// models, over loopback: the site, keep-alive, pipelining, files and byte ranges (sendfile and memory), /echo,
// every bad-input case (and the server serving the next client), /wait + /notify with many waiters, and path
// traversal attempts.
using System.Globalization;
using Skein.Server.Models;
using Skein.Testing;

namespace Skein.Server.Tests.Integration;

public sealed class IntegrationMatrixTests(MatrixServers servers) : IClassFixture<MatrixServers>
{
    public static TheoryData<ConcurrencyModel> AllModels => [.. Enum.GetValues<ConcurrencyModel>()];

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Serves_the_site(ConcurrencyModel model)
    {
        var skein = await servers.For(model);
        var index = await RawClient.GetAsync(skein.Port, "/");
        Assert.Equal(200, index.Status);
        Assert.StartsWith("text/html", index.Header("Content-Type"));
        Assert.Contains("matrix site", index.Text);
        var css = await RawClient.GetAsync(skein.Port, "/style.css");
        Assert.Equal(200, css.Status);
        Assert.StartsWith("text/css", css.Header("Content-Type"));
        Assert.Equal(301, (await RawClient.GetAsync(skein.Port, "/sub")).Status);
        Assert.Contains("sub page", (await RawClient.GetAsync(skein.Port, "/sub/")).Text);
        Assert.Equal(404, (await RawClient.GetAsync(skein.Port, "/missing.html")).Status);
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Keeps_a_connection_alive_and_answers_pipelined_requests_in_order(ConcurrencyModel model)
    {
        var skein = await servers.For(model);
        using var client = await RawClient.ConnectAsync(skein.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Contains("matrix site", (await client.ReadResponseAsync()).Text);
        await client.SendAsync("GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Contains("color", (await client.ReadResponseAsync()).Text);

        await client.SendAsync(
            "GET /sub/ HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\npiped!" +
            "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n" +
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Contains("sub page", (await client.ReadResponseAsync()).Text);
        Assert.Equal("piped!", (await client.ReadResponseAsync()).Text);
        Assert.Equal(404, (await client.ReadResponseAsync()).Status);
        var last = await client.ReadResponseAsync();
        Assert.Contains("matrix site", last.Text);
        Assert.True(last.ConnectionClose);
        Assert.True(await client.WaitForCloseAsync());
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Sends_files_and_byte_ranges_byte_exact_on_one_connection(ConcurrencyModel model)
        => await AssertFilesAndRangesAsync((await servers.For(model)).Port);

    // Without the bound on unsent bytes (--notsent-lowat 0) a file body goes corked (TCP_CORK): the other way the
    // shared socket transport sends it, once for each kind of transport (blocking, event loop).
    [Theory]
    [InlineData(ConcurrencyModel.Thread)]
    [InlineData(ConcurrencyModel.Async)]
    public async Task Sends_files_and_byte_ranges_byte_exact_corked_without_the_unsent_bound(ConcurrencyModel model)
    {
        await using var skein = await servers.StartAsync(model, "--notsent-lowat", "0");
        await AssertFilesAndRangesAsync(skein.Port);
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Echoes_bodies_with_content_length_and_chunked(ConcurrencyModel model)
    {
        var skein = await servers.For(model);
        using var client = await RawClient.ConnectAsync(skein.Port);
        var large = new string('z', 100_000);
        await client.SendAsync($"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {large.Length}\r\n\r\n{large}");
        Assert.Equal(large, (await client.ReadResponseAsync()).Text);
        await client.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        Assert.Equal("hello world", (await client.ReadResponseAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Answers_each_bad_request_once_closes_and_serves_the_next_client(ConcurrencyModel model)
    {
        var skein = await servers.For(model);
        await BadRequests.AssertEachAnsweredOnceThenClosedAsync(skein.Port, model.ToString(), BadRequests.OneOfEachKind);
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Never_serves_a_file_outside_the_root(ConcurrencyModel model)
    {
        var skein = await servers.For(model);
        string[] attempts =
        [
            "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/sub/../../secret.txt",
            "/sub/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt",
            "/%252e%252e/secret.txt", "/escape.txt", "/up/secret.txt", "/sub/..%00/secret.txt",
            "/%00../secret.txt", "http://x/../secret.txt", "/./.././secret.txt",
        ];
        foreach (var target in attempts)
        {
            using var client = await RawClient.ConnectAsync(skein.Port);
            await client.SendAsync($"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            var response = await client.ReadResponseAsync();
            Assert.False(response.Text.Contains(servers.Secret, StringComparison.Ordinal), $"{model}: {target} leaked the secret");
            Assert.NotEqual(200, response.Status);
        }
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task Releases_every_waiter_with_one_notify(ConcurrencyModel model)
    {
        // Single serves one connection at a time: the first /wait would hold it and /notify could never be
        // accepted. Its semantics are checked in ModelSemanticsTests instead.
        if (model == ConcurrencyModel.Single)
        {
            return;
        }
        // 200 waiters in the in-process models. The process models hold a process per waiter (process) or a
        // worker per waiter (process-pool): 4 of them already span 4 processes, and each process the suite starts
        // costs ~0.2 s of CPU (JIT build); a test that starts hundreds is a load test (benchmarks/processes).
        var waiters = model is ConcurrencyModel.Process or ConcurrencyModel.ProcessPool ? 4 : 200;
        // Models with bounded capacity serve one connection per worker: they get a server of their own with
        // enough workers for the waiters plus the requests that count and release them (like a prefork server
        // sized for long polling). The process model gets its own server too, so its processes end with the test.
        SkeinProcess? dedicated = model switch
        {
            ConcurrencyModel.ThreadPool => await servers.StartAsync(model, "-w", "220"),
            ConcurrencyModel.ProcessPool => await servers.StartAsync(model, "-w", "7"),
            ConcurrencyModel.Process => await servers.StartAsync(model),
            _ => null,
        };
        await using var owned = dedicated;
        var skein = dedicated ?? await servers.For(model);
        var clients = new List<RawClient>();
        try
        {
            for (var i = 0; i < waiters; i++)
            {
                var client = await RawClient.ConnectAsync(skein.Port);
                clients.Add(client);
                await client.SendAsync("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            // Process starts take a while on a loaded 2-core machine; until then a /waiters request may itself
            // wait for a free worker. Generous: this checks behaviour, not speed.
            await Deadline.UntilAsync(async () => await CountWaitersAsync(skein.Port) == waiters, TimeSpan.FromSeconds(300), $"{waiters} waiters");
            var notify = await RawClient.GetAsync(skein.Port, "/notify", TimeSpan.FromSeconds(30));
            Assert.Equal(200, notify.Status);
            Assert.Equal(waiters.ToString(CultureInfo.InvariantCulture), notify.Text.Trim());
            var responses = await Task.WhenAll(clients.Select(c => c.ReadResponseAsync(timeout: TimeSpan.FromSeconds(30))));
            Assert.All(responses, r => Assert.Equal(200, r.Status));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task A_waiter_whose_client_hangs_up_leaves_the_count(ConcurrencyModel model)
    {
        // Single cannot answer /waiters while its one connection waits; AbandonedRequestTests covers it.
        if (model == ConcurrencyModel.Single)
        {
            return;
        }
        var skein = await servers.For(model);
        using (var client = await RawClient.ConnectAsync(skein.Port))
        {
            await client.SendAsync("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
            await Deadline.UntilAsync(async () => await CountWaitersAsync(skein.Port) == 1, Deadline.Default * 2, "the waiter parked");
        }
        // Generous for a loaded machine; docs/reliability.md has the measured time.
        await Deadline.UntilAsync(async () => await CountWaitersAsync(skein.Port) == 0, TimeSpan.FromSeconds(5), "the waiter gone");
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task A_released_waiter_answers_what_its_client_pipelined_while_it_waited(ConcurrencyModel model)
    {
        // Parked, the connection holds no input buffer. What its client sends meanwhile waits in the socket and
        // is read whole once the waiter is released; its Connection: close answer is the last, then the close.
        using var parked = await ParkOneWaiterAsync(model, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n",
            then: "GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        if (parked is not { } client)
        {
            return;
        }
        Assert.Equal("1\n", (await client.ReadResponseAsync()).Text);
        var page = await client.ReadResponseAsync();
        Assert.Equal(200, page.Status);
        Assert.Equal("close", page.Header("Connection"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(servers.Root, "index.html")), page.Body);
        Assert.Empty(await client.ReadUntilCloseAsync());
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task A_request_asking_to_close_gets_its_whole_answer_though_requests_were_pipelined_behind_it(ConcurrencyModel model)
    {
        // The requests behind it (40 KB, more than the server reads at once) arrive with it and are never all read:
        // closing with bytes unread makes the kernel answer with a reset, which must come after the whole response.
        var skein = await servers.For(model);
        using var client = await RawClient.ConnectAsync(skein.Port);
        await client.SendAsync("GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            + string.Concat(Enumerable.Repeat($"GET /index.html HTTP/1.1\r\nHost: x\r\nX-Pad: {new string('p', 60)}\r\n\r\n", 400)));
        var page = await client.ReadResponseAsync();
        Assert.Equal(200, page.Status);
        Assert.Equal("close", page.Header("Connection"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(servers.Root, "index.html")), page.Body);
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public async Task A_waiter_asking_to_close_gets_its_whole_answer_though_its_client_sent_more(ConcurrencyModel model)
    {
        // Bytes the server will never read: closing with them unread makes the kernel answer with a reset, which
        // must come after the response (the event loop holds the response's last segment for the FIN).
        using var parked = await ParkOneWaiterAsync(model, "GET /wait HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            then: "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
        if (parked is not { } client)
        {
            return;
        }
        var released = await client.ReadResponseAsync();
        Assert.Equal(200, released.Status);
        Assert.Equal("close", released.Header("Connection"));
        Assert.Equal("1\n", released.Text);
    }

    // Parks one client on /wait with `request`, sends `then` while it waits, and notifies. Null for single, which
    // cannot answer /waiters while its one connection waits.
    private async Task<RawClient?> ParkOneWaiterAsync(ConcurrencyModel model, string request, string then)
    {
        if (model == ConcurrencyModel.Single)
        {
            return null;
        }
        var skein = await servers.For(model);
        var client = await RawClient.ConnectAsync(skein.Port);
        try
        {
            await client.SendAsync(request);
            await Deadline.UntilAsync(async () => await CountWaitersAsync(skein.Port) == 1, Deadline.Default * 2, "the waiter parked");
            await client.SendAsync(then);
            Assert.Equal(200, (await RawClient.GetAsync(skein.Port, "/notify")).Status);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<int> CountWaitersAsync(int port)
    {
        try
        {
            // Patient: under the process model every new connection, this one too, is a process to start.
            var response = await RawClient.GetAsync(port, "/waiters", TimeSpan.FromSeconds(30));
            return int.TryParse(response.Text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : -1;
        }
        catch (Exception e) when (e is TimeoutException or EndOfStreamException or System.Net.Sockets.SocketException)
        {
            return -1; // no worker free yet: ask again
        }
    }

    // Whole files, ranges and a last range that closes, on one keep-alive connection: the 3 MiB file goes with
    // sendfile(2), the 200,000-byte one from memory after its head.
    private async Task AssertFilesAndRangesAsync(int port)
    {
        using var client = await RawClient.ConnectAsync(port);
        // Whole, a range inside, a range to the end: each body exact and framed so the next response parses.
        foreach (var (path, content) in new[] { ("/large.bin", servers.Large), ("/medium.bin", servers.Medium) })
        {
            await client.SendAsync($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
            var whole = await client.ReadResponseAsync();
            Assert.Equal(200, whole.Status);
            Assert.True(whole.Body.AsSpan().SequenceEqual(content), $"{path}: {whole.Body.Length} bytes, not the file's {content.Length}");
            foreach (var (first, last) in new[] { (100_000, content.Length / 2 + 12_345), (content.Length - 70_000, content.Length - 1) })
            {
                await client.SendAsync($"GET {path} HTTP/1.1\r\nHost: x\r\nRange: bytes={first}-{last}\r\n\r\n");
                var part = await client.ReadResponseAsync();
                Assert.Equal(206, part.Status);
                Assert.Equal($"bytes {first}-{last}/{content.Length}", part.Header("Content-Range"));
                Assert.True(part.Body.AsSpan().SequenceEqual(content.AsSpan(first, last - first + 1)), $"{path} {first}-{last}: wrong bytes");
            }
        }
        // The last one asks to close: the file leaves whole before the connection ends.
        await client.SendAsync("GET /large.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1048576-\r\nConnection: close\r\n\r\n");
        var closing = await client.ReadResponseAsync();
        Assert.Equal(206, closing.Status);
        Assert.True(closing.ConnectionClose);
        Assert.True(closing.Body.AsSpan().SequenceEqual(servers.Large.AsSpan(1_048_576)), "the last range: wrong bytes");
        Assert.True(await client.WaitForCloseAsync());
    }
}
