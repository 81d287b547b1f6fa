// Byte-level tests of dot-segment removal (RFC 3986 §5.2.4): the RFC's own examples, dots written as %2E, the
// segments that only look like dot segments, and the refusal to climb above the root.
using System.Text;
using Skein.Http.Semantics;

namespace Skein.Http.Tests.Semantics;

public sealed class DotSegmentsTests
{
    private static string? Remove(string path)
    {
        var destination = new byte[path.Length];
        return DotSegments.TryRemove(Encoding.ASCII.GetBytes(path), destination, out var written)
            ? Encoding.ASCII.GetString(destination, 0, written)
            : null;
    }

    [Theory]
    // RFC 3986 §5.2.4's worked example and §5.4.1's normal examples, as absolute paths.
    [InlineData("/a/b/c/./../../g", "/a/g")]
    [InlineData("/b/c/./g", "/b/c/g")]
    [InlineData("/b/c/g/.", "/b/c/g/")]
    [InlineData("/b/c/..", "/b/")]
    [InlineData("/b/c/../g", "/b/g")]
    [InlineData("/b/c/../..", "/")]
    [InlineData("/b/c/../../g", "/g")]
    [InlineData("/.", "/")]
    [InlineData("/./", "/")]
    [InlineData("/", "/")]
    [InlineData("/sub/../page.html", "/page.html")]
    // An empty segment is a segment: ".." removes it (nginx would first merge the slashes).
    [InlineData("/a//../c", "/a/c")]
    [InlineData("//../c", "/c")]
    // %2E is '.', in either case and in any position of the segment.
    [InlineData("/a/%2e%2E/b", "/b")]
    [InlineData("/a/.%2e/b", "/b")]
    [InlineData("/a/%2E./b", "/b")]
    [InlineData("/a/%2e/b", "/a/b")]
    // Segments that are not dot segments stay byte for byte, still encoded; %2F does not separate segments.
    [InlineData("/a/.../b", "/a/.../b")]
    [InlineData("/a/..a/b", "/a/..a/b")]
    [InlineData("/a/.hidden", "/a/.hidden")]
    [InlineData("/a/%2e%2e%2fb", "/a/%2e%2e%2fb")]
    [InlineData("/a/..%2f..", "/a/..%2f..")]
    [InlineData("/a/%252e%252e/b", "/a/%252e%252e/b")]
    [InlineData("/a/%2/b", "/a/%2/b")]
    [InlineData("/a/%2ea/b", "/a/%2ea/b")]
    public void Removes_dot_segments_as_RFC_3986_does(string path, string expected) => Assert.Equal(expected, Remove(path));

    [Theory]
    [InlineData("/..")]
    [InlineData("/../")]
    [InlineData("/../x")]
    [InlineData("/a/../..")]
    [InlineData("/a/./../../b")]
    [InlineData("/%2e%2e/x")]
    [InlineData("/a/%2E./%2e%2e")]
    public void Refuses_to_climb_above_the_root(string path) => Assert.Null(Remove(path));

    [Theory]
    [InlineData("/plain/path.html", false)]
    [InlineData("/a%20b/c", false)]
    [InlineData("/.well-known/x", false)]
    [InlineData("/a/..b", false)]
    [InlineData("/a/.", true)]
    [InlineData("/a/../b", true)]
    [InlineData("/a/%2E", true)]
    [InlineData("/..", true)]
    public void Finds_dot_segments(string path, bool expected) => Assert.Equal(expected, DotSegments.Contains(Encoding.ASCII.GetBytes(path)));

    [Fact]
    public void A_path_must_start_with_a_slash() =>
        Assert.Throws<ArgumentException>(() => DotSegments.TryRemove("a/../b"u8, new byte[6], out _));
}
