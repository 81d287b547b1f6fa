// LabServerException: a server could not be started or did not answer.
namespace Skein.Bench.Lab;

/// <summary>A server could not be started or did not answer.</summary>
public sealed class LabServerException : Exception
{
    public LabServerException()
    {
    }

    public LabServerException(string message) : base(message)
    {
    }

    public LabServerException(string message, Exception inner) : base(message, inner)
    {
    }
}
