using System.CommandLine;

namespace Skein.Cli.Commands;

/// <summary><c>skein serve</c>: runs the server (wired under issue 3).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Serve a folder over HTTP/1.1.");
        return command;
    }
}
