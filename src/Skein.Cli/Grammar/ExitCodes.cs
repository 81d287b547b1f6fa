// The exit codes of every skein command, as sysexits and most Unix tools use them: 0 done, 1 the run
// failed, 2 the command line was wrong. Constants only.
namespace Skein.Cli.Grammar;

/// <summary>Process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A failure at run time: port in use, folder missing, nothing answered, a check failed.</summary>
    public const int Failure = 1;

    /// <summary>A bad command line: unknown option, bad value, missing argument.</summary>
    public const int Usage = 2;
}
