// A throw-away site for handler tests: a temp directory holding a document root with known files and, beside
// it (outside the root), a secret file that no response may ever contain. Deleted on Dispose.
using System.Text;
using Skein.Http.Application;

namespace Skein.App.Tests.Support;

public sealed class TestSite : IDisposable
{
    /// <summary>The secret's contents: a marker no legitimate file contains.</summary>
    public const string Secret = "TOP-SECRET-7f3a9c-outside-the-root";

    public TestSite()
    {
        Base = Directory.CreateTempSubdirectory("skein-app-").FullName;
        Root = Path.Combine(Base, "root");
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Base, "secret.txt"), Secret);
        Directory.CreateDirectory(Path.Combine(Base, "outside"));
        File.WriteAllText(Path.Combine(Base, "outside", "secret.txt"), Secret);
        Write("index.html", "<!doctype html><title>home</title><p>home page</p>");
    }

    public string Base { get; }

    public string Root { get; }

    public ManualTimeProvider Time { get; } = new();

    /// <summary>Writes a file under the root (creating folders) and returns its full path.</summary>
    public string Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

    public string Write(string relative, byte[] content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public SiteOptions Options(Func<SiteOptions, SiteOptions>? change = null)
    {
        var options = new SiteOptions { Root = Root, TimeProvider = Time };
        return change is null ? options : change(options);
    }

    public IHttpHandler Create(Func<SiteOptions, SiteOptions>? change = null) => SiteApplication.Create(Options(change));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Base, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless; the test result matters more.
        }
    }
}
