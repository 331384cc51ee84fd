using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models;

/// <summary>
/// Invariants of a version's hold count, which makes swaps lossless: a retired version takes no new
/// holds; retiring completes only after every hold is released, and then disposes the version (its
/// instances); holds taken before retirement stay valid until released; concurrent holders never see a
/// disposed version.
/// </summary>
public class ModelVersionRetirementTests
{
    [Fact]
    public async Task RetireAsync_WithHolders_WaitsForTheLastReleaseThenDisposes()
    {
        var instance = new TestModelInstance("simple_0");
        var model = TestConfigs.Version(TestConfigs.Simple(), instance);
        Assert.True(model.TryAcquire());
        Assert.True(model.TryAcquire());

        var retiring = model.RetireAsync();

        Assert.False(model.TryAcquire());
        Assert.True(model.IsRetired);
        Assert.Equal(2, model.InFlightCount);
        model.Release();
        Assert.False(retiring.IsCompleted);
        Assert.False(instance.IsDisposed);
        model.Release();
        await retiring.WaitAsync(TestTimeouts.Default);
        Assert.True(instance.IsDisposed);
    }

    [Fact]
    public async Task RetireAsync_WithoutHolders_DisposesAtOnce_AndASecondCallAlsoCompletes()
    {
        var instance = new TestModelInstance("simple_0");
        var model = TestConfigs.Version(TestConfigs.Simple(), instance);

        await model.RetireAsync().WaitAsync(TestTimeouts.Default);
        await model.RetireAsync().WaitAsync(TestTimeouts.Default);

        Assert.True(instance.IsDisposed);
        Assert.False(model.TryAcquire());
    }

    [Fact]
    public async Task RetireAsync_WhileManyThreadsAcquireAndRelease_NoHolderSeesADisposedVersion()
    {
        var instance = new TestModelInstance("simple_0");
        var model = TestConfigs.Version(TestConfigs.Simple(), instance);
        var sawDisposed = 0;
        var acquired = 0;
        using var start = new Barrier(5);
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 20_000; i++)
            {
                if (!model.TryAcquire())
                {
                    return;
                }

                Interlocked.Increment(ref acquired);
                if (instance.IsDisposed)
                {
                    Interlocked.Increment(ref sawDisposed);
                }

                model.Release();
            }
        })).ToArray();

        start.SignalAndWait();
        var retiring = model.RetireAsync();
        await Task.WhenAll(workers).WaitAsync(TestTimeouts.Default);
        await retiring.WaitAsync(TestTimeouts.Default);

        Assert.Equal(0, sawDisposed);
        Assert.True(instance.IsDisposed);
        Assert.Equal(0, model.InFlightCount);
    }
}
