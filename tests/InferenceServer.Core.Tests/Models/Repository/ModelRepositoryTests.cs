using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models.Repository;

public sealed class ModelRepositoryTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void ListVersions_MixedFolderNames_KeepsOnlyPositiveIntegersWithoutLeadingZero()
    {
        foreach (var name in new[] { "1", "2", "10", "123456789012", "0", "01", "007", "-1", "+3", "1a", "a1", "1.5", " 4", "abc", "\u0661", "\uFF15", "99999999999999999999" })
        {
            _root.CreateDirectory("m", name);
        }

        _root.WriteFile("m/5", "a file named like a version is not a version folder");
        _root.WriteFile("m/config.pbtxt", "");

        var versions = new ModelRepository(_root.Path).ListVersions("m");

        Assert.Equal([1L, 2L, 10L, 123456789012L], versions);
    }

    [Fact]
    public void ListVersions_NoVersionFolders_IsEmpty()
    {
        _root.CreateDirectory("m", "latest");

        Assert.Empty(new ModelRepository(_root.Path).ListVersions("m"));
    }

    [Fact]
    public void ListModelNames_MixedEntries_SkipsHiddenFoldersAndFilesAndSortsOrdinally()
    {
        foreach (var name in new[] { "beta", "Alpha", "alpha", ".git", "_private", "10", "2" })
        {
            _root.CreateDirectory(name);
        }

        _root.WriteFile("README.md", "not a model");

        var names = new ModelRepository(_root.Path).ListModelNames();

        Assert.Equal(["10", "2", "Alpha", "_private", "alpha", "beta"], names);
    }

    [Fact]
    public void ListModelNames_MissingRoot_ThrowsNamingThePath()
    {
        var missing = Path.Combine(_root.Path, "nope");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => new ModelRepository(missing).ListModelNames());

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_ModelAndVersion_FollowTritonLayout()
    {
        var repository = new ModelRepository(Path.Combine(_root.Path, "sub", ".."));

        Assert.Equal(Path.GetFullPath(_root.Path), repository.Root);
        Assert.Equal(Path.Combine(repository.Root, "m"), repository.ModelDirectory("m"));
        Assert.Equal(Path.Combine(repository.Root, "m", "config.pbtxt"), repository.ConfigPath("m"));
        Assert.Equal(Path.Combine(repository.Root, "m", "12"), repository.VersionDirectory("m", 12));
    }
}
