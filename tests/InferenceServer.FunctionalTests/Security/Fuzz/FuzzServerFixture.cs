using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.FuzzTargets.Seeds;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// One server for the end-to-end fuzz tests: the sample models the seeds were written for, plus
/// <c>identity_fp32</c> (a numeric input whose length the request chooses). It starts once for the three
/// classes of <see cref="FuzzServerCollection"/>, so every property sends its inputs to a server that has
/// already answered the others' mutations.
/// </summary>
public sealed class FuzzServerFixture : TestServerFixture
{
    private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(root =>
    {
        SampleRepositoryWriter.Write(root);
        SampleRepositoryWriter.WriteModel(root, "identity_fp32", SampleModels.Identity(OnnxType.Float), ConfigSeeds.IdentityFp32);
    });
}

/// <summary>The end-to-end fuzz tests share <see cref="FuzzServerFixture"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class FuzzServerCollection : ICollectionFixture<FuzzServerFixture>
{
    public const string Name = "Fuzz server";
}
