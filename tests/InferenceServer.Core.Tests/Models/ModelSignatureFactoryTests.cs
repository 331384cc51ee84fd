using InferenceServer.Core.Models;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models;

public sealed class ModelSignatureFactoryTests
{
    // Found by fuzzing config.pbtxt: max_batch_size 2147483591 passed the signature check and the version's
    // statistics then asked for an array of that many slots, failing the load with "OutOfMemoryException:
    // Array dimensions exceeded supported range" instead of naming the field.
    [Theory]
    [InlineData(ModelSignatureFactory.MaxSupportedBatchSize + 1)]
    [InlineData(int.MaxValue)]
    public void FromConfig_MaxBatchSizeAboveTheSupportedLimit_LoadErrorNamesTheFieldAndLimit(int maxBatchSize)
    {
        var config = TestConfigs.Simple(maxBatchSize: maxBatchSize);

        var error = Assert.Throws<ModelLoadException>(() => ModelSignatureFactory.FromConfig(config));

        Assert.Contains("'simple'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"max_batch_size {maxBatchSize}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{ModelSignatureFactory.MaxSupportedBatchSize} supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_MaxBatchSizeAtTheLimit_VersionLoads()
    {
        var config = TestConfigs.Simple(maxBatchSize: ModelSignatureFactory.MaxSupportedBatchSize);

        using var version = TestConfigs.Version(config);

        Assert.Equal(ModelSignatureFactory.MaxSupportedBatchSize, version.Signature.MaxBatchSize);
    }
}
