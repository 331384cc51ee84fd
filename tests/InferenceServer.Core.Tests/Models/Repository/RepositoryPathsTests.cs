using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Core.Tests.Models.Repository;

public sealed class RepositoryPathsTests : IDisposable
{
    private readonly string _root = RepositoryPaths.Resolve(Directory.CreateTempSubdirectory("repository-paths-").FullName);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Make(params string[] parts)
    {
        var path = Path.Combine([_root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    [Fact]
    public void Resolve_PlainPath_AppliesDotsLexically()
    {
        var a = Make("a", "b");

        Assert.Equal(Path.Combine(_root, "a"), RepositoryPaths.Resolve(Path.Combine(a, "..", ".", "..", "a")));
    }

    [Fact]
    public void Resolve_FollowsLinksAlongThePath()
    {
        var target = Make("real", "deep");
        Directory.CreateSymbolicLink(Path.Combine(_root, "link"), Path.Combine("real", "deep"));

        Assert.Equal(Path.Combine(target, "file"), RepositoryPaths.Resolve(Path.Combine(_root, "link", "file")));
    }

    [Fact]
    public void Resolve_DotDotAfterALink_IsTheTargetsParent()
    {
        // POSIX semantics: "link/.." is the parent of where link points, not the folder holding link.
        Make("real", "deep");
        Make("elsewhere");
        Directory.CreateSymbolicLink(Path.Combine(_root, "elsewhere", "link"), Path.Combine(_root, "real", "deep"));

        Assert.Equal(Path.Combine(_root, "real"), RepositoryPaths.Resolve(Path.Combine(_root, "elsewhere", "link", "..")));
    }

    [Fact]
    public void Resolve_ChainOfLinks_EndsAtTheLastTarget()
    {
        var file = Path.Combine(Make("data"), "model.onnx");
        File.WriteAllText(file, "x");
        File.CreateSymbolicLink(Path.Combine(_root, "second"), file);
        File.CreateSymbolicLink(Path.Combine(_root, "first"), "second");

        Assert.Equal(file, RepositoryPaths.Resolve(Path.Combine(_root, "first")));
    }

    [Fact]
    public void Resolve_LinkLoop_Throws()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "x"), "y");
        File.CreateSymbolicLink(Path.Combine(_root, "y"), "x");

        var error = Assert.Throws<IOException>(() => RepositoryPaths.Resolve(Path.Combine(_root, "x")));
        Assert.Contains("too many levels of symbolic links", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MissingComponents_KeptAsWritten()
    {
        Assert.Equal(Path.Combine(_root, "not", "there"), RepositoryPaths.Resolve(Path.Combine(_root, "not", "there")));
    }

    [Theory]
    [InlineData("/repo", "/repo", true)]
    [InlineData("/repo/m", "/repo", true)]
    [InlineData("/repo/m", "/repo/", true)]
    [InlineData("/repository/m", "/repo", false)]
    [InlineData("/re", "/repo", false)]
    [InlineData("/", "/repo", false)]
    public void IsUnder_ComparesWholeComponents(string path, string root, bool expected)
    {
        Assert.Equal(expected, RepositoryPaths.IsUnder(path, root));
    }

    [Fact]
    public void EnsureInside_ModelFolderLinkedOut_ThrowsNamingWhereItLeads()
    {
        var outside = Directory.CreateTempSubdirectory("outside-").FullName;
        try
        {
            var repository = new ModelRepository(Make("repo"));
            Directory.CreateSymbolicLink(Path.Combine(repository.Root, "m"), outside);

            var error = Assert.Throws<ModelLoadException>(() => repository.ModelDirectory("m"));

            Assert.Contains("the folder of model 'm' resolves to", error.Message, StringComparison.Ordinal);
            Assert.Contains(RepositoryPaths.Resolve(outside), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void EnsureInside_RootItselfALink_InsidePathsStillAllowed()
    {
        // e.g. /models mounted as a link to the volume: the check compares resolved paths on both sides.
        var real = Make("volume");
        Make("volume", "m", "1");
        var linkedRoot = Path.Combine(_root, "models");
        Directory.CreateSymbolicLink(linkedRoot, real);
        var repository = new ModelRepository(linkedRoot);

        Assert.Equal(Path.Combine(linkedRoot, "m", "1"), repository.VersionDirectory("m", 1));
    }
}
