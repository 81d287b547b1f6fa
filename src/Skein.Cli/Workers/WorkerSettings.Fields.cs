// The field tables of the settings message: one line per property of ServerOptions, HttpLimits and
// SiteOptions, each saying its name, how to read it from the record and how to set it on a copy. The same
// line serves both directions, in table order, so what is written is what is read. Nothing else lives here.

using Skein.App;
using Skein.Http;
using Skein.Http.Proxy;
using Skein.Server;
using Skein.Server.Models;

namespace Skein.Cli.Workers;

public sealed partial record WorkerSettings
{
    private static readonly Field<HttpLimits>[] LimitFields =
    [
        Int<HttpLimits>("maxRequestLineBytes", o => o.MaxRequestLineBytes, (o, v) => o with { MaxRequestLineBytes = v }),
        Int<HttpLimits>("maxRequestTargetBytes", o => o.MaxRequestTargetBytes, (o, v) => o with { MaxRequestTargetBytes = v }),
        Int<HttpLimits>("maxHeaderBytes", o => o.MaxHeaderBytes, (o, v) => o with { MaxHeaderBytes = v }),
        Int<HttpLimits>("maxHeaderCount", o => o.MaxHeaderCount, (o, v) => o with { MaxHeaderCount = v }),
        Long<HttpLimits>("maxBodyBytes", o => o.MaxBodyBytes, (o, v) => o with { MaxBodyBytes = v }),
        Int<HttpLimits>("maxChunkLineBytes", o => o.MaxChunkLineBytes, (o, v) => o with { MaxChunkLineBytes = v }),
    ];

    private static readonly Field<ServerOptions>[] ServerFields =
    [
        Int<ServerOptions>("model", o => (int)o.Model, (o, v) => o with { Model = (ConcurrencyModel)v }),
        OptionalInt<ServerOptions>("workers", o => o.Workers, (o, v) => o with { Workers = v }),
        Text<ServerOptions>("host", o => o.Host, (o, v) => o with { Host = v ?? o.Host }),
        Int<ServerOptions>("port", o => o.Port, (o, v) => o with { Port = v }),
        Int<ServerOptions>("backlog", o => o.Backlog, (o, v) => o with { Backlog = v }),
        Time<ServerOptions>("deferAccept", o => o.DeferAccept, (o, v) => o with { DeferAccept = v }),
        Int<ServerOptions>("notSentLowWater", o => o.NotSentLowWater, (o, v) => o with { NotSentLowWater = v }),
        Nested<ServerOptions, HttpLimits>("limits", o => o.Limits, (o, v) => o with { Limits = v }, LimitFields),
        Time<ServerOptions>("headerTimeout", o => o.HeaderTimeout, (o, v) => o with { HeaderTimeout = v }),
        Time<ServerOptions>("keepAliveTimeout", o => o.KeepAliveTimeout, (o, v) => o with { KeepAliveTimeout = v }),
        Time<ServerOptions>("bodyReadTimeout", o => o.BodyReadTimeout, (o, v) => o with { BodyReadTimeout = v }),
        Rate<ServerOptions>("minRequestBodyDataRate", o => o.MinRequestBodyDataRate, (o, v) => o with { MinRequestBodyDataRate = v }),
        Rate<ServerOptions>("minResponseDataRate", o => o.MinResponseDataRate, (o, v) => o with { MinResponseDataRate = v }),
        Int<ServerOptions>("maxConnections", o => o.MaxConnections, (o, v) => o with { MaxConnections = v }),
        Int<ServerOptions>("queueCapacity", o => o.QueueCapacity, (o, v) => o with { QueueCapacity = v }),
        Int<ServerOptions>("maxStartingProcesses", o => o.MaxStartingProcesses, (o, v) => o with { MaxStartingProcesses = v }),
        Time<ServerOptions>("shutdownTimeout", o => o.ShutdownTimeout, (o, v) => o with { ShutdownTimeout = v }),
        Flag<ServerOptions>("verbose", o => o.Verbose, (o, v) => o with { Verbose = v }),
        Text<ServerOptions>("accessLog", o => o.AccessLog, (o, v) => o with { AccessLog = v }),
        Text<ServerOptions>("folder", o => o.Folder, (o, v) => o with { Folder = v }),
        Text<ServerOptions>("healthPath", o => o.HealthPath, (o, v) => o with { HealthPath = v }),
        Flag<ServerOptions>("proxyProtocol", o => o.ProxyProtocol, (o, v) => o with { ProxyProtocol = v }),
        // Address ranges travel as the text --proxy-from takes ("127.0.0.0/8,::1/128").
        Text<ServerOptions>("proxyFrom", o => o.ProxyFrom.ToString(), (o, v) => o with { ProxyFrom = v is null || v == AddressRanges.Loopback.ToString() ? AddressRanges.Loopback : AddressRanges.Parse(v) }),
        Text<ServerOptions>("statusPath", o => o.StatusPath, (o, v) => o with { StatusPath = v }),
        Text<ServerOptions>("metricsPath", o => o.MetricsPath, (o, v) => o with { MetricsPath = v }),
    ];

    private static readonly Field<SiteOptions>[] SiteFields =
    [
        Text<SiteOptions>("root", o => o.Root, (o, v) => o with { Root = v ?? o.Root }),
        Time<SiteOptions>("delay", o => o.Delay, (o, v) => o with { Delay = v }),
        Flag<SiteOptions>("compression", o => o.Compression, (o, v) => o with { Compression = v }),
        Time<SiteOptions>("ioDelay", o => o.IoDelay, (o, v) => o with { IoDelay = v }),
        Int<SiteOptions>("cpuPrimeLimit", o => o.CpuPrimeLimit, (o, v) => o with { CpuPrimeLimit = v }),
        Int<SiteOptions>("maxCachedFileBytes", o => o.MaxCachedFileBytes, (o, v) => o with { MaxCachedFileBytes = v }),
        Long<SiteOptions>("cacheBudgetBytes", o => o.CacheBudgetBytes, (o, v) => o with { CacheBudgetBytes = v }),
        Int<SiteOptions>("maxCacheEntries", o => o.MaxCacheEntries, (o, v) => o with { MaxCacheEntries = v }),
        Time<SiteOptions>("revalidateAfter", o => o.RevalidateAfter, (o, v) => o with { RevalidateAfter = v }),
        Int<SiteOptions>("minCompressBytes", o => o.MinCompressBytes, (o, v) => o with { MinCompressBytes = v }),
    ];

    private delegate T ReadField<T>(T target, ref Reader reader);

    // One property: its name (for people and tests; it does not travel), how to write its value, how to read
    // its value onto a copy.
    private sealed record Field<T>(string Name, Action<Writer, T> Write, ReadField<T> Read);

    private static void WriteObject<T>(Writer writer, T value, Field<T>[] fields)
    {
        foreach (var field in fields)
        {
            field.Write(writer, value);
        }
    }

    private static T ReadObject<T>(ref Reader reader, T value, Field<T>[] fields)
    {
        foreach (var field in fields)
        {
            value = field.Read(value, ref reader);
        }
        return value;
    }

    private static Field<T> Int<T>(string name, Func<T, int> get, Func<T, int, T> set)
        => new(name, (w, o) => w.Int32(get(o)), (T o, ref Reader r) => set(o, r.Int32()));

    // A flag, then the value when there is one.
    private static Field<T> OptionalInt<T>(string name, Func<T, int?> get, Func<T, int?, T> set)
        => new(name,
            (w, o) =>
            {
                var value = get(o);
                w.Flag(value is not null);
                if (value is { } v)
                {
                    w.Int32(v);
                }
            },
            (T o, ref Reader r) => set(o, r.Flag() ? r.Int32() : null));

    private static Field<T> Long<T>(string name, Func<T, long> get, Func<T, long, T> set)
        => new(name, (w, o) => w.Int64(get(o)), (T o, ref Reader r) => set(o, r.Int64()));

    private static Field<T> Flag<T>(string name, Func<T, bool> get, Func<T, bool, T> set)
        => new(name, (w, o) => w.Flag(get(o)), (T o, ref Reader r) => set(o, r.Flag()));

    private static Field<T> Text<T>(string name, Func<T, string?> get, Func<T, string?, T> set)
        => new(name, (w, o) => w.Text(get(o)), (T o, ref Reader r) => set(o, r.Text()));

    // Exactly, as ticks (Timeout.InfiniteTimeSpan included).
    private static Field<T> Time<T>(string name, Func<T, TimeSpan> get, Func<T, TimeSpan, T> set)
        => new(name, (w, o) => w.Int64(get(o).Ticks), (T o, ref Reader r) => set(o, TimeSpan.FromTicks(r.Int64())));

    // A flag (no minimum when false), then bytes per second and the grace period in ticks.
    private static Field<T> Rate<T>(string name, Func<T, MinDataRate?> get, Func<T, MinDataRate?, T> set)
        => new(name,
            (w, o) =>
            {
                var rate = get(o);
                w.Flag(rate is not null);
                if (rate is { } given)
                {
                    w.Double(given.BytesPerSecond);
                    w.Int64(given.GracePeriod.Ticks);
                }
            },
            (T o, ref Reader r) => set(o, r.Flag() ? new MinDataRate(r.Double(), TimeSpan.FromTicks(r.Int64())) : null));

    private static Field<T> Nested<T, TValue>(string name, Func<T, TValue> get, Func<T, TValue, T> set, Field<TValue>[] fields)
        => new(name, (w, o) => WriteObject(w, get(o), fields), (T o, ref Reader r) => set(o, ReadObject(ref r, get(o), fields)));
}
