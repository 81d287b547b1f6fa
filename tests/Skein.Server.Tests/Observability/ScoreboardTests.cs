// The scoreboard's arithmetic without a server: latency buckets, percentiles, the sum over slots and the
// retired totals a process model's master keeps when a worker exits.
using Skein.Server.Observability;

namespace Skein.Server.Tests.Observability;

public sealed class ScoreboardTests
{
    [Fact]
    public void Buckets_are_exact_below_16_microseconds_and_at_most_an_eighth_wide_above()
    {
        for (long us = 0; us < 16; us++)
        {
            Assert.Equal(us, Scoreboard.UpperBoundOf(Scoreboard.BucketOf(us)));
        }
        var previous = -1L;
        for (var bucket = 0; bucket < Scoreboard.Buckets - 1; bucket++)
        {
            var upper = Scoreboard.UpperBoundOf(bucket);
            Assert.True(upper > previous);
            Assert.Equal(bucket, Scoreboard.BucketOf(upper));
            Assert.Equal(bucket + 1, Scoreboard.BucketOf(upper + 1));
            Assert.True(upper - previous <= Math.Max(1, (previous + 1) / 8), $"bucket {bucket} is {upper - previous} µs wide from {previous + 1}");
            previous = upper;
        }
        Assert.Equal(Scoreboard.Buckets - 1, Scoreboard.BucketOf(long.MaxValue));
    }

    [Fact]
    public void Percentiles_come_from_the_latencies_recorded()
    {
        using var board = Scoreboard.CreatePrivate(TimeProvider.System);
        for (var i = 0; i < 98; i++)
        {
            board.RecordResponse(200, 100, TimeSpan.FromMilliseconds(1));
        }
        board.RecordResponse(500, 100, TimeSpan.FromSeconds(2));
        board.RecordResponse(404, 100, TimeSpan.FromSeconds(2));

        var total = board.Read().Total;

        Assert.Equal(100, total.Requests);
        Assert.Equal(10_000, total.Bytes);
        Assert.InRange(total.Percentile(0.50).TotalMilliseconds, 1, 1.125);
        Assert.InRange(total.Percentile(0.99).TotalMilliseconds, 2000, 2250);
        var report = StatusReport.From(board.Read(), "async", DateTimeOffset.UtcNow);
        Assert.Equal(98, report.Statuses["200"]);
        Assert.Equal(["404", "500"], report.Errors.Keys);
    }

    [Fact]
    public void The_scoreboard_draws_connections_by_state()
    {
        Assert.Equal("_", StatusReport.ScoreboardOf(new ProcessFigures()));
        Assert.Equal("RWWKKK", StatusReport.ScoreboardOf(new ProcessFigures { New = 1, Active = 2, Idle = 3 }));
        Assert.Equal(new string('K', StatusReport.ScoreboardWidth) + "+6", StatusReport.ScoreboardOf(new ProcessFigures { Idle = StatusReport.ScoreboardWidth + 6 }));
    }
}
