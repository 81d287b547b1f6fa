// `skein send HOST PORT "REQUEST"`: option parsing for Skein.Bench.Send; prints the raw response bytes to
// stdout and how the exchange ended to stderr. It ends after one complete response; --keep-open waits on
// for whatever else the server sends. No socket code here.
using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Skein.Bench.Send;
using Skein.Cli.Grammar;

namespace Skein.Cli.Commands;

/// <summary><c>skein send</c>: one raw request, the raw response.</summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var host = new Argument<string>("host") { Description = "Server host name or address." };
        var port = CommandArguments.Port("port", "Server TCP port.");
        var request = new Argument<string>("request") { Description = "Raw request; \\r \\n \\t \\\\ \\xHH are decoded; a final blank line is added when missing." };
        var timeout = OptionTable.Timeout.Duration(TimeSpan.FromSeconds(5), "Give up after this long without a byte from the server.");
        var keepOpen = OptionTable.KeepOpen.Flag("Do not stop after one complete response: print what arrives until the server closes or goes quiet for --timeout (pipelined requests, keep-alive behaviour).");
        var command = new Command("send", "Send one raw request and print the raw response as it arrives, until it is complete.")
        {
            host, port, request, timeout, keepOpen,
        };
        command.SetAction(async (parse, cancel) =>
        {
            byte[] bytes;
            TimeSpan idle = parse.GetValue(timeout);
            int portNumber = parse.GetValue(port);
            try
            {
                bytes = RawRequest.Build(parse.GetValue(request)!);
            }
            catch (FormatException e)
            {
                return Complaint.Usage(parse, "REQUEST: " + e.Message);
            }

            using var stdout = Console.OpenStandardOutput();
            try
            {
                bool waitOn = parse.GetValue(keepOpen);
                var result = await RawSender.SendAsync(parse.GetValue(host)!, portNumber, bytes, stdout, idle, waitOn, cancel);
                string ending = result.Ending switch
                {
                    SendEnding.Complete => "one complete response; --keep-open waits for more",
                    SendEnding.ServerClosed => "connection closed by the server",
                    SendEnding.TimedOut when waitOn => string.Create(CultureInfo.InvariantCulture, $"nothing more for {idle.TotalSeconds:0.###} s"),
                    SendEnding.TimedOut => string.Create(CultureInfo.InvariantCulture, $"no complete response, nothing more for {idle.TotalSeconds:0.###} s, gave up"),
                    _ => "connection failed: " + result.Error,
                };
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"\n[{result.BytesReceived} bytes; {ending}]"));
                // Without --keep-open, silence before a whole response is a failure; with it, silence is how it ends.
                return result.Ending == SendEnding.Failed || (result.Ending == SendEnding.TimedOut && !waitOn) ? ExitCodes.Failure : ExitCodes.Success;
            }
            catch (SocketException e)
            {
                return Complaint.Failure(parse, e.Message);
            }
        });
        return command;
    }
}
