using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Models;

/// <summary>
/// <c>version_policy</c> (brief §4.3) over models with version folders 1, 2 and 3: no policy serves the
/// latest only, <c>all</c> serves every one, <c>specific</c> the listed ones.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class VersionPolicyTests(ServerFixture fixture)
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData(TestRepositories.LatestDefault, new[] { "3" })]
    [InlineData(TestRepositories.PolicyAll, new[] { "1", "2", "3" })]
    [InlineData(TestRepositories.PolicySpecific, new[] { "1", "3" })]
    public async Task Metadata_VersionPolicy_ListsServedVersions(string model, string[] versions)
    {
        var metadata = await _server.Grpc.ModelMetadataAsync(model).WithTimeout();

        Assert.Equal(versions, metadata.Versions);
    }

    [Theory]
    [InlineData(TestRepositories.LatestDefault, "3", true)]
    [InlineData(TestRepositories.LatestDefault, "2", false)]
    [InlineData(TestRepositories.LatestDefault, "1", false)]
    [InlineData(TestRepositories.PolicyAll, "1", true)]
    [InlineData(TestRepositories.PolicyAll, "2", true)]
    [InlineData(TestRepositories.PolicyAll, "3", true)]
    [InlineData(TestRepositories.PolicySpecific, "1", true)]
    [InlineData(TestRepositories.PolicySpecific, "2", false)]
    [InlineData(TestRepositories.PolicySpecific, "3", true)]
    public async Task HttpInfer_VersionPolicy_ServesOnlySelectedVersions(string model, string version, bool served)
    {
        var body = new JsonObject { ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "FP32", [1, 2], [1.5, 2.5])) };

        using var response = await _server.Http.PostAsync($"v2/models/{model}/versions/{version}/infer", HttpInfer.Json(body)).WithTimeout();

        if (served)
        {
            var result = await HttpInfer.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, result.Status);
            Assert.Equal(version, result.Json["model_version"]!.GetValue<string>());
            Assert.Equal([1.5f, 2.5f], result.Output("OUTPUT0")["data"]!.AsArray().Select(v => v!.GetValue<float>()));
        }
        else
        {
            var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
            Assert.Contains(model, message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(TestRepositories.LatestDefault)]
    [InlineData(TestRepositories.PolicyAll)]
    [InlineData(TestRepositories.PolicySpecific)]
    public async Task GrpcInfer_NoVersion_UsesHighestServedVersion(string model)
    {
        var request = new ModelInferRequest { ModelName = model };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "FP32", [1, 1]));
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(TensorCase.Pack(7f)));

        var response = await _server.Grpc.ModelInferAsync(request).WithTimeout();

        Assert.Equal("3", response.ModelVersion);
    }

    [Fact]
    public async Task GrpcInfer_UnservedVersion_ReturnsNotFound()
    {
        var request = new ModelInferRequest { ModelName = TestRepositories.PolicySpecific, ModelVersion = "2" };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "FP32", [1, 1]));
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(TensorCase.Pack(7f)));

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request).WithTimeout());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Theory]
    [InlineData(TestRepositories.PolicyAll, "2", true)]
    [InlineData(TestRepositories.PolicySpecific, "2", false)]
    public async Task ModelReady_Version_FollowsPolicy(string model, string version, bool ready)
    {
        using var response = await _server.Http.GetAsync($"v2/models/{model}/versions/{version}/ready").WithTimeout();

        Assert.Equal(ready ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
    }
}
