// KestrelPeer: a minimal ASP.NET Core (Kestrel) static-file server for side-by-side measurements with Skein.
// It serves a folder with UseFileServer (default documents, ETag/Last-Modified, ranges, sendfile) and does
// nothing else: no logging, no compression, no routing. Usage: KestrelPeer --root DIR --port PORT
// It is a benchmark peer, not part of Skein.
using Microsoft.Extensions.FileProviders;

var root = Path.GetFullPath(ArgValue(args, "--root") ?? "www");
var port = int.Parse(ArgValue(args, "--port") ?? "5080", System.Globalization.CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = true;
    kestrel.Listen(System.Net.IPAddress.Loopback, port);
});
var app = builder.Build();
app.UseFileServer(new FileServerOptions
{
    FileProvider = new PhysicalFileProvider(root),
    EnableDefaultFiles = true,
});
Console.WriteLine($"KestrelPeer serving {root} on 127.0.0.1:{port} (pid {Environment.ProcessId})");
app.Run();

static string? ArgValue(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
