// Tests of entity-tag lists and strong/weak comparison (RFC 9110 §8.8.3.2, the table in that section). Pure.
using System.Text;
using Skein.Http.Semantics;

namespace Skein.App.Tests.Semantics;

public sealed class EntityTagTests
{
    // RFC 9110 §8.8.3.2's example table.
    [Theory]
    [InlineData("W/\"1\"", "W/\"1\"", false, true)]
    [InlineData("W/\"1\"", "W/\"2\"", false, false)]
    [InlineData("W/\"1\"", "\"1\"", false, true)]
    [InlineData("\"1\"", "\"1\"", true, true)]
    public void Follows_the_rfc_comparison_table(string a, string b, bool strong, bool weak)
    {
        Assert.Equal(strong, EntityTag.ListMatches(Ascii(a), Ascii(b), EntityTagComparison.Strong));
        Assert.Equal(weak, EntityTag.ListMatches(Ascii(a), Ascii(b), EntityTagComparison.Weak));
    }

    [Theory]
    [InlineData("\"a\", \"b\", \"c\"", "\"b\"", true)]
    [InlineData("\"a\",\"b\"", "\"c\"", false)]
    [InlineData("*", "\"c\"", true)]
    [InlineData(" , \"x\" ,", "\"x\"", true)]
    [InlineData("\"a,b\", \"c\"", "\"a,b\"", true)]
    [InlineData("\"a,b\"", "\"a\"", false)]
    [InlineData("a", "\"a\"", false)]
    [InlineData("\"a", "\"a\"", false)]
    [InlineData("\"a\" \"b\"", "\"b\"", false)]
    [InlineData("", "\"a\"", false)]
    public void Matches_members_of_a_list(string list, string current, bool expected)
    {
        Assert.Equal(expected, EntityTag.ListMatches(Ascii(list), Ascii(current), EntityTagComparison.Weak));
    }

    [Fact]
    public void Recognises_weak_and_valid_tags()
    {
        Assert.True(EntityTag.IsValid("\"abc\""u8));
        Assert.True(EntityTag.IsWeak("W/\"abc\""u8));
        Assert.False(EntityTag.IsWeak("\"abc\""u8));
        Assert.False(EntityTag.IsValid("abc"u8));
        Assert.False(EntityTag.IsValid("\"a\", \"b\""u8));
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
