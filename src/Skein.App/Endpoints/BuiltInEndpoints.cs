// The built-in endpoints of the seed projects, for watching a concurrency model work: /io (waits without a
// thread), /cpu (burns one), /wait + /notify + /waiters (long-poll); /echo is EchoEndpoint. Wiring into the router is in
// SiteApplication; the waiting logic is WaiterRegistry, the CPU work PrimeCounter.
using System.Globalization;
using Skein.App.StaticFiles;
using Skein.Http.Application;

namespace Skein.App.Endpoints;

/// <summary>The endpoints' handlers, sharing one <see cref="WaiterRegistry"/> and the site's index page.</summary>
public sealed class BuiltInEndpoints(SiteOptions options, StaticFileHandler files)
{
    private Func<int, HttpResponse>? _answerReleased; // AnswerReleased, as one delegate for every waiter
    private ReleasedAnswer? _lastReleased;

    /// <summary>The waiters of <c>/wait</c>.</summary>
    public WaiterRegistry Waiters { get; } = new(options.WaiterBackplane);

    /// <summary><c>/io</c>: waits <see cref="SiteOptions.IoDelay"/> on a timer (no thread is held: on an event
    /// loop other connections are served meanwhile), then answers with the index page.</summary>
    public async ValueTask<HttpResponse> IoAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(options.IoDelay, options.TimeProvider, cancellationToken);
        return files.IndexPage();
    }

    /// <summary><c>/cpu</c>: counts the primes up to <see cref="SiteOptions.CpuPrimeLimit"/> on the calling
    /// thread (holding it, which is the point), then answers with the index page and <c>X-Primes: 78498</c>.</summary>
    public ValueTask<HttpResponse> CpuAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var primes = PrimeCounter.CountPrimes(options.CpuPrimeLimit);
        var response = files.IndexPage();
        response.Headers.Add("X-Primes", primes.ToString(CultureInfo.InvariantCulture));
        return ValueTask.FromResult(response);
    }

    /// <summary><c>/wait</c>: held until the next <c>/notify</c>; the body is the number that notify released.
    /// While held, the request is one small waiter object in <see cref="Waiters"/> (no async method waits here).</summary>
    public ValueTask<HttpResponse> WaitAsync(HttpRequest request, CancellationToken cancellationToken)
        => Waiters.WaitAsync(_answerReleased ??= AnswerReleased, cancellationToken);

    /// <summary><c>/notify</c>: releases every waiter; the body is how many.</summary>
    public ValueTask<HttpResponse> NotifyAsync(HttpRequest request, CancellationToken cancellationToken)
        => ValueTask.FromResult(Number(Waiters.NotifyAll()));

    /// <summary><c>/waiters</c>: the number waiting now.</summary>
    public ValueTask<HttpResponse> WaitersAsync(HttpRequest request, CancellationToken cancellationToken)
        => ValueTask.FromResult(Number(Waiters.Count));

    // The answer of the waiters one notify released. It is the same for all of them, so it is built once and
    // shared, as a broadcast server encodes its message once for all its subscribers: a response is never changed
    // after its handler returned it, and its body is only read. (Ten thousand waiters released at once built ten
    // thousand copies: about 350 bytes and a header table each, on the loop that has to answer them all.)
    private HttpResponse AnswerReleased(int released)
    {
        var last = Volatile.Read(ref _lastReleased);
        if (last is not null && last.Count == released)
        {
            return last.Response;
        }
        var answer = Number(released);
        Volatile.Write(ref _lastReleased, new ReleasedAnswer(released, answer)); // racing loops may both build one: either is right
        return answer;
    }

    private sealed record ReleasedAnswer(int Count, HttpResponse Response);

    // A plain-text number, not cacheable: every answer is a fresh count.
    private static HttpResponse Number(int value)
    {
        var response = HttpResponse.Text(200, value.ToString(CultureInfo.InvariantCulture) + "\n");
        response.Headers.Add("Cache-Control", "no-store");
        return response;
    }
}
