using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Security;

/// <summary>
/// Where the server reads from is decided on real paths: percent-encoded traversal in the URL, a model folder, model
/// file or <c>default_model_filename</c> that leads out of the repository through a symbolic link or "..", are all
/// refused with a message and the server keeps serving; links that stay inside (as Kubernetes volume mounts make)
/// load normally.
/// </summary>
public sealed class RepositoryPathTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("outside-repository-").FullName;

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    private static Task<TestServer> StartAsync(Action<string>? extra = null) => TestServer.StartAsync(root =>
    {
        TestRepositories.WriteSimple(root);
        extra?.Invoke(root);
    }, options =>
    {
        options.ModelControlMode = ModelControlMode.Explicit;
        options.LoadModels = ["simple"];
    });

    private static void WriteIdentity(string root, string name) =>
        SampleRepositoryWriter.WriteModel(root, name, SampleModels.Identity(OnnxType.Float), config: null);

    [Theory]
    [InlineData("%2e%2e")]
    [InlineData("%2E%2E%2Fetc")]
    [InlineData("..%2f..%2fetc")]
    [InlineData("%2fetc")]
    [InlineData("a%5c..%5cb")]
    [InlineData("simple%00")]
    public async Task Http_LoadWithEncodedTraversal_4xx_ServerKeepsServing(string encodedName)
    {
        await using var server = await StartAsync();

        using var response = await server.Http.PostAsync($"v2/repository/models/{encodedName}/load", content: null).WithTimeout();

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
            $"{encodedName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().WithTimeout()}");
        Assert.True((await server.Grpc.ModelReadyAsync("simple")).Ready);
    }

    [Fact]
    public async Task ModelFolderLinkedOutside_LoadRefused_NamingTheResolvedPath()
    {
        WriteIdentity(_outside, "evil");
        await using var server = await StartAsync(root => Directory.CreateSymbolicLink(Path.Combine(root, "evil"), Path.Combine(_outside, "evil")));
        server.ExpectLoadFailures("evil");

        using var response = await server.Http.PostAsync("v2/repository/models/evil/load", content: null).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("outside", message, StringComparison.Ordinal);
        Assert.Contains(_outside, message, StringComparison.Ordinal);
        Assert.False((await server.Grpc.ModelReadyAsync("evil")).Ready);
        Assert.True((await server.Grpc.ModelReadyAsync("simple")).Ready);
    }

    [Fact]
    public async Task ModelFileLinkedOutside_LoadRefused()
    {
        WriteIdentity(_outside, "evil");
        await using var server = await StartAsync(root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "linked_file", "1"));
            File.CreateSymbolicLink(Path.Combine(root, "linked_file", "1", "model.onnx"), Path.Combine(_outside, "evil", "1", "model.onnx"));
        });
        server.ExpectLoadFailures("linked_file");

        using var response = await server.Http.PostAsync("v2/repository/models/linked_file/load", content: null).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("model file", message, StringComparison.Ordinal);
        Assert.Contains("outside", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultModelFilenameWithDotDot_InConfigOverride_LoadRefused()
    {
        WriteIdentity(_outside, "evil");
        await using var server = await StartAsync(root => WriteIdentity(root, "victim"));
        server.ExpectLoadFailures("victim");
        var relative = Path.GetRelativePath(Path.Combine(server.RepositoryPath, "victim", "1"), Path.Combine(_outside, "evil", "1", "model.onnx"));
        var config = $$"""{"backend": "onnxruntime", "default_model_filename": "{{relative}}"}""";

        var body = new JsonObject { ["parameters"] = new JsonObject { ["config"] = config } };

        using var response = await server.Http.PostAsync("v2/repository/models/victim/load", HttpInfer.Json(body)).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("outside", message, StringComparison.Ordinal);
        Assert.True((await server.Grpc.ModelReadyAsync("simple")).Ready);
    }

    [Fact]
    public async Task LinksThatStayInside_LoadAndServe()
    {
        // The shape of a Kubernetes ConfigMap/projected mount: visible names link into a hidden "..data" folder.
        await using var server = await StartAsync(root =>
        {
            WriteIdentity(Path.Combine(root, "..data"), "mounted");
            Directory.CreateSymbolicLink(Path.Combine(root, "mounted"), Path.Combine("..data", "mounted"));
        });

        using var response = await server.Http.PostAsync("v2/repository/models/mounted/load", content: null).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await server.Grpc.ModelReadyAsync("mounted")).Ready);
    }

    [Fact]
    public async Task VersionStringTooLong_400NamingTheLimit()
    {
        await using var server = await StartAsync();

        using var response = await server.Http.GetAsync($"v2/models/simple/versions/{new string('9', 25)}/ready").WithTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var infer = await server.Http.PostAsync($"v2/models/simple/versions/{new string('1', 4000)}/infer", SimpleRequests.Json(batch: 1)).WithTimeout();
        var message = await HttpInfer.AssertErrorAsync(infer, HttpStatusCode.BadRequest);
        Assert.Contains("at most 19 digits", message, StringComparison.Ordinal);
        Assert.True(message.Length < 400, $"the error echoes the whole version string ({message.Length} characters)");
    }

    [Fact]
    public async Task UnknownModelWithControlCharacters_404EchoesItEscapedAndShort()
    {
        await using var server = await StartAsync();

        using var response = await server.Http.PostAsync($"v2/models/x%0Aforged-log-line{new string('y', 3000)}/infer", SimpleRequests.Json(batch: 1)).WithTimeout();

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotFound);
        Assert.DoesNotContain("\n", message, StringComparison.Ordinal);
        Assert.Contains("\\u000a", message, StringComparison.Ordinal);
        Assert.True(message.Length < 400, $"the error echoes the whole name ({message.Length} characters)");
    }
}
