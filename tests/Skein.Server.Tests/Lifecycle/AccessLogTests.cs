using System.Buffers;
using System.Net;
using System.Text;
using Skein.Http;
using Skein.Server.Lifecycle;

namespace Skein.Server.Tests.Lifecycle;

public sealed class AccessLogTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 40000);

    [Fact]
    public void A_line_is_the_combined_log_format_with_quotes_and_control_bytes_escaped()
    {
        using var http = Parse("GET /a%20b?q=\"x\" HTTP/1.0\r\nReferer: http://r/\r\nUser-Agent: agent \"7\"\t\r\n\r\n");
        var now = new DateTimeOffset(2000, 10, 10, 13, 55, 36, TimeSpan.FromHours(-7));

        var line = AccessLog.Format(Client, http.Head, 200, 2326, now);

        Assert.Equal("127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /a%20b?q=\\x22x\\x22 HTTP/1.0\" 200 2326 \"http://r/\" \"agent \\x227\\x22\"", line);
    }

    [Fact]
    public void A_response_without_a_body_and_a_request_without_referer_show_dashes()
    {
        using var http = Parse("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");

        var line = AccessLog.Format(null, http.Head, 304, 0, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(330)));

        Assert.Equal("- - - [02/Jan/2026:03:04:05 +0530] \"HEAD / HTTP/1.1\" 304 - \"-\" \"-\"", line);
    }

    [Fact]
    public void Lines_wait_in_the_buffer_until_a_flush_and_all_reach_the_destination_on_dispose()
    {
        using var http = Parse("GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n");
        var destination = new MemoryStream();
        var log = new AccessLog(destination, ownsDestination: false);

        log.Write(Client, http.Head, 200, 10);
        log.Write(Client, http.Head, 200, 10);
        Assert.Equal(0, destination.Length);
        log.Flush();
        Assert.Equal(2, Lines(destination).Length);
        log.Write(Client, http.Head, 404, 0);
        log.Dispose();

        Assert.Equal(3, Lines(destination).Length);
        Assert.Contains(" 404 - ", Lines(destination)[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_longer_than_the_buffer_is_written_whole()
    {
        var agent = new string('\u00e9', 12_000); // obs-text: every byte escaped, 4 x 24,000 bytes
        using var http = Parse($"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: {agent}\r\n\r\n", maxHeaderBytes: 64 * 1024);
        var destination = new MemoryStream();
        using (var log = new AccessLog(destination, ownsDestination: false))
        {
            log.Write(Client, http.Head, 200, 1);
            log.Write(Client, http.Head, 200, 2);
        }

        var lines = Lines(destination);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Contains(string.Concat(Enumerable.Repeat("\\xC3\\xA9", 12_000)), line, StringComparison.Ordinal));
        Assert.All(lines, line => Assert.EndsWith("\\xC3\\xA9\"", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_from_many_threads_never_mix()
    {
        using var http = Parse("GET /index.html HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n");
        var destination = new MemoryStream();
        using (var log = new AccessLog(destination, ownsDestination: false))
        {
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                for (var i = 0; i < 2_000; i++)
                {
                    log.Write(Client, http.Head, 200, (t * 10_000) + i + 1);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        var lines = Lines(destination);
        Assert.Equal(8_000, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^127\.0\.0\.1 - - \[[^\]]+\] ""GET /index\.html HTTP/1\.1"" 200 \d+ ""-"" ""t""$", line));
        Assert.Equal(8_000, lines.Select(line => line.Split(' ')[9]).Distinct().Count());
    }

    [Fact]
    public void Two_logs_open_on_one_file_keep_each_others_lines()
    {
        // As the workers of a process model do: each has the file open through its own descriptor.
        using var http = Parse("GET /shared HTTP/1.1\r\nHost: x\r\n\r\n");
        var folder = Directory.CreateTempSubdirectory("skein-access-log-");
        try
        {
            var path = Path.Combine(folder.FullName, "access.log");
            using (var first = AccessLog.Open(path))
            using (var second = AccessLog.Open(path))
            {
                first.Write(Client, http.Head, 200, 1);
                first.Flush();
                second.Write(Client, http.Head, 200, 2);
                second.Flush();
                first.Write(Client, http.Head, 200, 3);
            }

            var sizes = File.ReadAllLines(path).Select(line => line.Split(' ')[9]).ToArray();
            Assert.Equal(["1", "2", "3"], sizes);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string[] Lines(MemoryStream stream)
        => Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static Http1Connection Parse(string request, int maxHeaderBytes = 32 * 1024)
    {
        var http = new Http1Connection(new HttpLimits { MaxHeaderBytes = maxHeaderBytes });
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(request)));
        Assert.Equal(ParseStatus.Complete, http.TryReadRequestHead(ref reader));
        return http;
    }
}
