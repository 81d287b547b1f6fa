namespace Skein.Http.Application;

/// <summary>Method tokens as strings, without allocating.</summary>
public static class MethodNames
{
    private static readonly string[] Names = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "CONNECT"];

    /// <summary>The token of <paramref name="method"/>.</summary>
    public static string Of(RequestMethod method) => Names[(int)method];
}
