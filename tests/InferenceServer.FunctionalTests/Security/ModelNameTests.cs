using System.Net;
using Grpc.Core;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Security;

/// <summary>
/// Control calls take a model name, never a path: traversal attempts ("../", absolute paths, backslashes, control
/// characters) are refused with 400 / INVALID_ARGUMENT before anything reads the disk, even with a config override
/// (which does not need the folder to exist), and the server keeps serving.
/// </summary>
public sealed class ModelNameTests
{
    private static Task<TestServer> StartAsync() => TestServer.StartAsync(TestRepositories.WriteSimple, options =>
    {
        options.ModelControlMode = ModelControlMode.Explicit;
        options.LoadModels = ["*"];
    });

    [Theory]
    [InlineData("../outside")]
    [InlineData("..")]
    [InlineData("/etc")]
    [InlineData("a\\b")]
    [InlineData("bad\nname")]
    [InlineData(".hidden")]
    public async Task Grpc_LoadWithPathLikeName_AndConfigOverride_InvalidArgument(string name)
    {
        await using var server = await StartAsync();
        var request = new Inference.RepositoryModelLoadRequest { ModelName = name };
        request.Parameters["config"] = new Inference.ModelRepositoryParameter { StringParam = """{"backend": "onnxruntime"}""" };

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Grpc.RepositoryModelLoadAsync(request).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("model name", error.Status.Detail, StringComparison.Ordinal);
        Assert.True((await server.Grpc.ModelReadyAsync("simple")).Ready);
    }

    [Fact]
    public async Task Http_UnloadOfHiddenName_400()
    {
        await using var server = await StartAsync();

        using var response = await server.Http.PostAsync("v2/repository/models/.git/unload", content: null).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("must not start with '.'", message, StringComparison.Ordinal);
    }
}
