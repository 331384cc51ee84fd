using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Tests.Traffic;

public class OutputDivergenceTests
{
    [Fact]
    public void Add_ShadowOffByConstant_ExactDifferences()
    {
        var divergence = new OutputDivergence();
        float[] primary = [1f, -2f, 3.5f, 0f, 10f, 7f];
        var shadow = primary.Select(x => x + 0.25f).ToArray();

        divergence.Add<float>(primary, shadow, rows: 0);
        divergence.Add<float>(primary, primary, rows: 0);

        var snapshot = divergence.Snapshot();
        Assert.Equal(2, snapshot.Pairs);
        Assert.Equal(12, snapshot.Elements);
        Assert.Equal(0.25, snapshot.MaxAbsDiff);
        Assert.Equal(0.125, snapshot.MeanAbsDiff);
        Assert.Null(snapshot.ArgmaxAgreement);
        Assert.Equal(0, snapshot.Rows);
    }

    [Fact]
    public void Add_ThreeOfFourRowsAgree_AgreementIsThreeQuarters()
    {
        var divergence = new OutputDivergence();
        float[] primary =
        [
            0.1f, 0.7f, 0.2f,
            0.6f, 0.3f, 0.1f,
            0.2f, 0.2f, 0.6f,
            0.3f, 0.4f, 0.3f,
        ];
        float[] shadow =
        [
            0.2f, 0.6f, 0.2f, // class 1 on both
            0.5f, 0.4f, 0.1f, // class 0 on both
            0.1f, 0.2f, 0.7f, // class 2 on both
            0.5f, 0.4f, 0.1f, // class 1 against class 0
        ];

        divergence.Add<float>(primary, shadow, rows: 4);

        var snapshot = divergence.Snapshot();
        Assert.Equal(4, snapshot.Rows);
        Assert.Equal(3, snapshot.AgreeingRows);
        Assert.Equal(0.75, snapshot.ArgmaxAgreement);
    }

    [Fact]
    public void Add_TiedMaxima_FirstMaximumIsTheArgmax()
    {
        var divergence = new OutputDivergence();

        // Row 0: primary ties classes 0 and 2 (argmax 0), shadow's single max is class 0: agree.
        // Row 1: primary ties classes 1 and 2 (argmax 1), shadow's single max is class 2: disagree.
        // Row 2: both tie everywhere (argmax 0 on both): agree.
        divergence.Add<double>([5, 1, 5, 0, 3, 3, 2, 2, 2], [6, 1, 5, 0, 3, 4, 2, 2, 2], rows: 3);

        var snapshot = divergence.Snapshot();
        Assert.Equal(3, snapshot.Rows);
        Assert.Equal(2, snapshot.AgreeingRows);
    }

    [Fact]
    public void Add_DifferentLengths_CountedAsShapeMismatchAndSkipped()
    {
        var divergence = new OutputDivergence();

        divergence.Add<float>([1f, 2f], [1f, 2f, 3f], rows: 1);
        divergence.Add<float>([1f, 2f], [1f, 4f], rows: 1);

        var snapshot = divergence.Snapshot();
        Assert.Equal(1, snapshot.ShapeMismatches);
        Assert.Equal(1, snapshot.Pairs);
        Assert.Equal(2, snapshot.Elements);
        Assert.Equal(2.0, snapshot.MaxAbsDiff);
        Assert.Equal(1.0, snapshot.MeanAbsDiff);
        Assert.Equal(1, snapshot.Rows);
    }

    [Theory]
    [InlineData(0, 6)] // not class-like
    [InlineData(6, 6)] // one class per row
    [InlineData(4, 6)] // does not divide
    public void Add_NotClassLike_NoArgmax(int rows, int length)
    {
        var divergence = new OutputDivergence();
        var values = new float[length];

        divergence.Add<float>(values, values, rows);

        Assert.Null(divergence.Snapshot().ArgmaxAgreement);
    }

    [Fact]
    public void Add_NaNs_BothSidesEqualOneSideCounted()
    {
        var divergence = new OutputDivergence();

        divergence.Add<float>([float.NaN, float.NaN, 1f, float.PositiveInfinity], [float.NaN, 2f, 1.5f, float.PositiveInfinity], rows: 0);

        var snapshot = divergence.Snapshot();
        Assert.Equal(1, snapshot.NanMismatches);
        Assert.Equal(3, snapshot.Elements);
        Assert.Equal(0.5, snapshot.MaxAbsDiff);
        Assert.Equal(0.5 / 3, snapshot.MeanAbsDiff, 12);
    }

    [Fact]
    public void Add_IntegerOutputs_ComparedAsNumbers()
    {
        var divergence = new OutputDivergence();

        divergence.Add<long>([1, 9, 3, 4], [1, 9, 4, 3], rows: 2);

        var snapshot = divergence.Snapshot();
        Assert.Equal(1.0, snapshot.MaxAbsDiff);
        Assert.Equal(0.5, snapshot.MeanAbsDiff);
        Assert.Equal(0.5, snapshot.ArgmaxAgreement);
    }

    [Fact]
    public void Snapshot_NothingAdded_IsZeroes()
    {
        var snapshot = new OutputDivergence().Snapshot();

        Assert.Equal(new OutputDivergenceSnapshot(0, 0, 0, 0, 0, 0, 0, 0), snapshot);
        Assert.Null(snapshot.ArgmaxAgreement);
    }

    /// <summary>
    /// Invariants under concurrent Add: no pair is lost (Pairs and Elements are the exact sums), the max is the
    /// max over all workers, and the mean matches a sequential computation. 8 workers × 500 pairs each, every
    /// pair of 2 rows × 4 classes, where worker w's shadow differs by (w + 1) / 8 on every element.
    /// </summary>
    [Fact]
    public async Task Add_ConcurrentWorkers_NoUpdateLost()
    {
        const int Workers = 8;
        const int PairsPerWorker = 500;
        var divergence = new OutputDivergence();

        var tasks = Enumerable.Range(0, Workers).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            var primary = new float[8];
            var shadow = new float[8];
            for (var i = 0; i < PairsPerWorker; i++)
            {
                for (var j = 0; j < primary.Length; j++)
                {
                    primary[j] = random.Next(100);
                    shadow[j] = primary[j] + ((w + 1) / 8f);
                }

                divergence.Add<float>(primary, shadow, rows: 2);
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));

        var snapshot = divergence.Snapshot();
        Assert.Equal(Workers * PairsPerWorker, snapshot.Pairs);
        Assert.Equal(Workers * PairsPerWorker * 8, snapshot.Elements);
        Assert.Equal(Workers * PairsPerWorker * 2, snapshot.Rows);
        Assert.Equal(Workers * PairsPerWorker * 2, snapshot.AgreeingRows);
        Assert.Equal(1.0, snapshot.MaxAbsDiff);
        // The mean of (w + 1) / 8 over w = 0..7 is 9/16.
        Assert.Equal(9.0 / 16, snapshot.MeanAbsDiff, 12);
    }
}
