// CometStub: the seed's comet server (naglfar's TestHandler) as a loopback stub: GET /wait is held until
// GET /notify, which answers every waiter with their count and itself with the count; GET /waiters answers
// the current count. One request per connection (answers carry Connection: close). Optional sabotage for
// failure tests: answer waiters with a wrong number, or drop some of them.
using System.Text;

namespace Skein.Bench.Tests.Stubs;

internal sealed class CometStub : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private List<TaskCompletionSource<int>> _waiters = [];
    private readonly StubServer _server;

    public CometStub(int answerOffset = 0, int dropEvery = 0)
    {
        int registered = 0;
        _server = new StubServer(async (c, ct) =>
        {
            var head = await c.ReadRequestAsync(ct);
            if (head is null)
            {
                return;
            }
            string path = head.Split(' ')[1];
            int answer;
            if (path.EndsWith("/wait", StringComparison.Ordinal))
            {
                var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_lock)
                {
                    _waiters.Add(waiter);
                }
                answer = await waiter.Task.WaitAsync(ct);
                if (dropEvery > 0 && Interlocked.Increment(ref registered) % dropEvery == 0)
                {
                    return; // sabotage: close without answering
                }
                answer += answerOffset;
            }
            else if (path.EndsWith("/notify", StringComparison.Ordinal))
            {
                List<TaskCompletionSource<int>> released;
                lock (_lock)
                {
                    released = _waiters;
                    _waiters = [];
                }
                foreach (var w in released)
                {
                    w.TrySetResult(released.Count);
                }
                answer = released.Count;
            }
            else if (path.EndsWith("/waiters", StringComparison.Ordinal))
            {
                lock (_lock)
                {
                    answer = _waiters.Count;
                }
            }
            else
            {
                await c.Socket.SendAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
                return;
            }
            string body = answer.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await c.Socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), ct);
        }, backlog: 4096);
    }

    public Uri Url => _server.Url();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
