// A small application for tests of the server machinery: endpoints that sleep, throw, echo, stream and
// send files, so each ConnectionLoop path can be reached without the site application. Not a product handler.
using System.Globalization;
using System.Text;
using Skein.Http.Application;

namespace Skein.Server.Tests;

internal sealed class TestHandler : IHttpHandler, IDisposable
{
    private static readonly string[] StreamPieces = ["one ", "two ", "three"];
    private readonly string _directory = Directory.CreateTempSubdirectory("skein-test-").FullName;

    public TestHandler()
    {
        FilePath = Path.Combine(_directory, "data.bin");
        FileBytes = new byte[300_000];
        new Random(42).NextBytes(FileBytes);
        File.WriteAllBytes(FilePath, FileBytes);
        _bigFile = new Lazy<string>(() =>
        {
            // Larger than every kernel buffer between server and client, so a client that does not read blocks the sender.
            var path = Path.Combine(_directory, "big.bin");
            using var file = File.Create(path);
            file.SetLength(BigFileBytes);
            return path;
        });
    }

    public const long BigFileBytes = 32 * 1024 * 1024;

    private readonly Lazy<string> _bigFile;

    public string FilePath { get; }

    public byte[] FileBytes { get; }

    /// <summary>Requests to /sleep that reached the handler and have not returned: a test waits on it to know
    /// a request is in flight (the connection being accepted is not enough: its bytes may not be read yet).</summary>
    public int Sleeping => Volatile.Read(ref _sleeping);

    private int _sleeping;

    public async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        switch (request.Path)
        {
            case "/":
                return HttpResponse.Text(200, "hello\n");
            case "/echo":
                {
                    using var body = new MemoryStream();
                    await request.Body.CopyToAsync(body, cancellationToken);
                    return HttpResponse.Bytes(200, body.ToArray(), "application/octet-stream");
                }
            case "/sleep":
                var ms = int.Parse(request.QueryString.Split('=')[1], CultureInfo.InvariantCulture);
                Interlocked.Increment(ref _sleeping);
                try
                {
                    await Task.Delay(ms, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref _sleeping);
                }
                return HttpResponse.Text(200, "slept\n");
            case "/peer":
                return HttpResponse.Text(200, request.RemoteAddress ?? "-");
            case "/throw":
                throw new InvalidOperationException("boom");
            case "/stream":
                return new HttpResponse(200)
                {
                    Body = new StreamingBody(async (stream, token) =>
                    {
                        foreach (var piece in StreamPieces)
                        {
                            await stream.WriteAsync(Encoding.ASCII.GetBytes(piece), token);
                            await stream.FlushAsync(token);
                        }
                    }),
                };
            case "/stream-body":
                return new HttpResponse(200) { Body = new StreamBody(new MemoryStream(FileBytes), FileBytes.Length) };
            case "/file":
                return new HttpResponse(200) { Body = new FileBody(FilePath, 0, FileBytes.Length) };
            case "/range":
                return new HttpResponse(206) { Body = new FileBody(FilePath, 1000, 5000) };
            case "/big":
                // ?mb=N megabytes written in 64 KiB pieces, each flushed.
                var megabytes = int.Parse(request.QueryString.Split('=')[1], CultureInfo.InvariantCulture);
                return new HttpResponse(200)
                {
                    Body = new StreamingBody(async (stream, token) =>
                    {
                        var piece = new byte[64 * 1024];
                        for (var i = 0; i < megabytes * 16; i++)
                        {
                            await stream.WriteAsync(piece, token);
                            await stream.FlushAsync(token);
                        }
                    }),
                };
            case "/big-file":
                return new HttpResponse(200) { Body = new FileBody(_bigFile.Value, 0, BigFileBytes) };
            case "/ignore-body":
                return HttpResponse.Text(200, "ignored\n");
            case "/close":
                return new HttpResponse(200) { CloseConnection = true, Body = new BytesBody("bye\n"u8.ToArray()) };
            default:
                return HttpResponse.Text(404, "not found\n");
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
