// Tests of the comet client against the in-test comet stub over loopback: 1,000 long-polls released by one
// notify, and the failures it must report (wrong answers, dropped waiters) with a failing verdict.
using Skein.Bench.Comet;
using Skein.Bench.Tests.Stubs;

namespace Skein.Bench.Tests.Comet;

public sealed class CometRunnerTests
{
    [Fact]
    public async Task A_thousand_waiters_all_receive_the_count()
    {
        Assert.Null(CometRunner.CheckCapacity(2 * 1000)); // this process hosts both ends
        await using var stub = new CometStub();
        var result = await CometRunner.RunAsync(new CometSettings { Url = stub.Url, Clients = 1000 }).WaitAsync(TestTimeouts.Default * 2);

        Assert.True(result.Passed, string.Join("\n", CometReport.Lines(result)));
        Assert.Equal(1000, result.Connected);
        Assert.Equal(1000, result.Succeeded);
        Assert.Equal("1000", result.NotifyAnswer);
        Assert.NotNull(result.Registered);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public async Task Wrong_answers_fail_the_test()
    {
        await using var stub = new CometStub(answerOffset: 1);
        var result = await CometRunner.RunAsync(new CometSettings { Url = stub.Url, Clients = 50 }).WaitAsync(TestTimeouts.Default);

        Assert.False(result.Passed);
        Assert.Equal(50, result.Failures[CometFailure.WrongAnswer]);
        Assert.Contains(result.Messages, m => m.Contains("expected 200 '50'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Waiters_dropped_without_an_answer_are_read_errors()
    {
        await using var stub = new CometStub(dropEvery: 10);
        var result = await CometRunner.RunAsync(new CometSettings { Url = stub.Url, Clients = 100 }).WaitAsync(TestTimeouts.Default);

        Assert.False(result.Passed);
        Assert.Equal(10, result.Failures[CometFailure.Read]);
        Assert.Equal(90, result.Succeeded);
    }

    [Fact]
    public void Base_path_prefixes_the_endpoints()
    {
        var settings = new CometSettings { Url = new Uri("http://127.0.0.1:1/app/") };
        Assert.Equal("/app/wait", settings.PathOf("wait"));
        Assert.Equal("/notify", new CometSettings { Url = new Uri("http://127.0.0.1:1") }.PathOf("notify"));
    }
}
