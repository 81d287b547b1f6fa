// The field tables of the settings message: one line per property of ServerOptions, HttpLimits and
// SiteOptions, each saying its JSON name, how to read it from the record and how to set it on a copy. The
// same line serves both directions, so what is written is what is read. Nothing else lives here.

using System.Text.Json;
using Skein.App;
using Skein.Http;
using Skein.Http.Proxy;
using Skein.Server;
using Skein.Server.Models;

namespace Skein.Cli.Workers;

public sealed partial record WorkerSettings
{
    private const string VersionField = "version";
    private const string ServerField = "server";
    private const string SiteField = "site";
    private const string RateBytesField = "bytesPerSecond";
    private const string RateGraceField = "gracePeriod";

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

    private delegate T ReadField<T>(T target, ref Utf8JsonReader reader);

    // One property: its JSON name, how to write it (name and value), how to read its value onto a copy.
    private sealed record Field<T>(string Name, Action<Utf8JsonWriter, T> Write, ReadField<T> Read);

    private static void WriteObject<T>(Utf8JsonWriter writer, T value, Field<T>[] fields)
    {
        writer.WriteStartObject();
        foreach (var field in fields)
        {
            field.Write(writer, value);
        }
        writer.WriteEndObject();
    }

    // Reads an object starting at its StartObject token, leaves the reader on its EndObject. Unknown names
    // are skipped (the version check has already refused settings of another shape).
    private static T ReadObject<T>(ref Utf8JsonReader reader, T value, Field<T>[] fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected an object, found {reader.TokenType}");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Find(ref reader, fields);
            reader.Read();
            if (field is null)
            {
                reader.Skip();
                continue;
            }
            value = field.Read(value, ref reader);
        }
        return value;
    }

    private static Field<T>? Find<T>(ref Utf8JsonReader reader, Field<T>[] fields)
    {
        foreach (var field in fields)
        {
            if (reader.ValueTextEquals(field.Name))
            {
                return field;
            }
        }
        return null;
    }

    private static Field<T> Int<T>(string name, Func<T, int> get, Func<T, int, T> set)
        => new(name, (w, o) => w.WriteNumber(name, get(o)), (T o, ref Utf8JsonReader r) => set(o, r.GetInt32()));

    private static Field<T> OptionalInt<T>(string name, Func<T, int?> get, Func<T, int?, T> set)
        => new(name,
            (w, o) =>
            {
                if (get(o) is { } v)
                {
                    w.WriteNumber(name, v);
                }
                else
                {
                    w.WriteNull(name);
                }
            },
            (T o, ref Utf8JsonReader r) => set(o, r.TokenType == JsonTokenType.Null ? null : r.GetInt32()));

    private static Field<T> Long<T>(string name, Func<T, long> get, Func<T, long, T> set)
        => new(name, (w, o) => w.WriteNumber(name, get(o)), (T o, ref Utf8JsonReader r) => set(o, r.GetInt64()));

    private static Field<T> Flag<T>(string name, Func<T, bool> get, Func<T, bool, T> set)
        => new(name, (w, o) => w.WriteBoolean(name, get(o)), (T o, ref Utf8JsonReader r) => set(o, r.GetBoolean()));

    private static Field<T> Text<T>(string name, Func<T, string?> get, Func<T, string?, T> set)
        => new(name, (w, o) => w.WriteString(name, get(o)), (T o, ref Utf8JsonReader r) => set(o, r.GetString()));

    // Exactly, as ticks (Timeout.InfiniteTimeSpan included).
    private static Field<T> Time<T>(string name, Func<T, TimeSpan> get, Func<T, TimeSpan, T> set)
        => new(name, (w, o) => w.WriteNumber(name, get(o).Ticks), (T o, ref Utf8JsonReader r) => set(o, TimeSpan.FromTicks(r.GetInt64())));

    // null (no minimum), or {"bytesPerSecond": n, "gracePeriod": ticks}.
    private static Field<T> Rate<T>(string name, Func<T, MinDataRate?> get, Func<T, MinDataRate?, T> set)
        => new(name,
            (w, o) =>
            {
                if (get(o) is { } rate)
                {
                    w.WriteStartObject(name);
                    w.WriteNumber(RateBytesField, rate.BytesPerSecond);
                    w.WriteNumber(RateGraceField, rate.GracePeriod.Ticks);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull(name);
                }
            },
            (T o, ref Utf8JsonReader r) => set(o, r.TokenType == JsonTokenType.Null ? null : ReadRate(ref r)));

    private static MinDataRate ReadRate(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected a data rate object, found {reader.TokenType}");
        }
        MoveToValue(ref reader, RateBytesField);
        var bytesPerSecond = reader.GetDouble();
        MoveToValue(ref reader, RateGraceField);
        var grace = TimeSpan.FromTicks(reader.GetInt64());
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("a data rate has exactly two fields");
        }
        return new MinDataRate(bytesPerSecond, grace);
    }

    private static void MoveToValue(ref Utf8JsonReader reader, string name)
    {
        if (!reader.Read() || !reader.ValueTextEquals(name) || !reader.Read())
        {
            throw new JsonException($"a data rate needs {name}");
        }
    }

    private static Field<T> Nested<T, TValue>(string name, Func<T, TValue> get, Func<T, TValue, T> set, Field<TValue>[] fields)
        => new(name,
            (w, o) =>
            {
                w.WritePropertyName(name);
                WriteObject(w, get(o), fields);
            },
            (T o, ref Utf8JsonReader r) => set(o, ReadObject(ref r, get(o), fields)));
}
