// The settings message a master sends its workers: every property of ServerOptions and SiteOptions must
// survive the trip, including ones added after this test was written (it sets each property it finds to a
// value other than its default, by reflection, and compares after decoding), and a worker must refuse
// settings of another version.

using System.Reflection;
using System.Text;
using Skein.App;
using Skein.Cli.Workers;
using Skein.Http.Proxy;
using Skein.Server.Models;

namespace Skein.Server.Tests.Processes;

public sealed class WorkerSettingsTests
{
    [Fact]
    public void Every_server_and_site_option_reaches_the_worker()
    {
        var sent = new WorkerSettings(NonDefault(new ServerOptions()), NonDefault(new SiteOptions()));

        Assert.True(WorkerSettings.TryDecode(sent.Encode(), out var received, out var error), error);

        AssertSame(sent.Server, received.Server, nameof(ServerOptions));
        AssertSame(sent.Site, received.Site, nameof(SiteOptions));
    }

    [Fact]
    public void Process_local_options_keep_the_worker_s_own_defaults()
    {
        var sent = new WorkerSettings(new ServerOptions(), new SiteOptions { TimeProvider = new FrozenTime() });

        Assert.True(WorkerSettings.TryDecode(sent.Encode(), out var received, out var error), error);

        Assert.Same(TimeProvider.System, received.Site.TimeProvider);
        Assert.Null(received.Site.WaiterBackplane);
    }

    [Fact]
    public void A_worker_refuses_settings_of_another_version()
    {
        var other = new WorkerSettings(new ServerOptions(), new SiteOptions()) { Version = WorkerSettings.CurrentVersion + 1 };

        Assert.False(WorkerSettings.TryDecode(other.Encode(), out _, out var error));
        Assert.Contains("version", error, StringComparison.Ordinal);
        Assert.False(WorkerSettings.TryDecode(Encoding.UTF8.GetBytes("--channel-fd 3 -c process"), out _, out error));
        Assert.Contains("unreadable", error, StringComparison.Ordinal);
    }

    // Every settable property set to something other than its default (nested option records too).
    private static T NonDefault<T>(T options) where T : class
    {
        foreach (var property in Settable(typeof(T)))
        {
            property.SetValue(options, Different(property.PropertyType, property.GetValue(options), property.Name));
        }
        return options;
    }

    private static object? Different(Type type, object? current, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Different(underlying, current ?? Activator.CreateInstance(underlying), name);
        }
        return current switch
        {
            int i => i + 7,
            long l => l + 7,
            double d => d + 0.5,
            bool b => !b,
            TimeSpan t => t + TimeSpan.FromSeconds(3),
            MinDataRate r => new MinDataRate(r.BytesPerSecond + 0.5, r.GracePeriod + TimeSpan.FromSeconds(3)),
            AddressRanges => AddressRanges.Parse("10.0.0.0/8,192.168.1.7"),
            _ when type == typeof(string) => "value-of-" + name,
            Enum e => Enum.GetValues(type).Cast<object>().Last(v => !v.Equals(e)),
            _ when type.IsClass && type.GetMethod("<Clone>$") is not null => NonDefaultRecord(type, current),
            _ => throw new InvalidOperationException(
                $"No non-default value for {name} ({type.Name}): teach this test one, and make sure WorkerSettings carries it " +
                $"(or list the type in {nameof(WorkerSettings)}.{nameof(WorkerSettings.ProcessLocal)} if it cannot leave its process)."),
        };
    }

    private static object NonDefaultRecord(Type type, object? current)
    {
        var copy = type.GetMethod("<Clone>$")!.Invoke(current ?? Activator.CreateInstance(type), null)!;
        foreach (var property in Settable(type))
        {
            property.SetValue(copy, Different(property.PropertyType, property.GetValue(copy), property.Name));
        }
        return copy;
    }

    private static void AssertSame(object expected, object actual, string path)
    {
        foreach (var property in Settable(expected.GetType()))
        {
            var sent = property.GetValue(expected);
            var received = property.GetValue(actual);
            Assert.True(Equals(sent, received), $"{path}.{property.Name}: sent {sent}, the worker got {received}");
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !WorkerSettings.ProcessLocal.Contains(p.PropertyType));

    private sealed class FrozenTime : TimeProvider;
}
