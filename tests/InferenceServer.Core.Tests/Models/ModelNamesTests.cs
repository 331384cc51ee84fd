using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Core.Tests.Models;

/// <summary>A control call's model name is one folder name under the repository; anything path-like is refused.</summary>
public sealed class ModelNamesTests
{
    [Theory]
    [InlineData("simple")]
    [InlineData("fraud_detector-v2")]
    [InlineData("a.b")]
    public void Check_FolderName_Accepted(string name) => Assert.False(ModelNames.Check(name).IsError);

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(".git")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("c:x")]
    [InlineData("tab\there")]
    public void Check_PathLikeName_Refused(string name) => Assert.True(ModelNames.Check(name).IsError);

    [Fact]
    public void Check_TooLong_Refused() => Assert.True(ModelNames.Check(new string('m', ModelNames.MaxLength + 1)).IsError);

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc")]
    [InlineData("a/../../b")]
    public void ModelDirectory_NameLeavingTheRoot_Throws(string name)
    {
        var repository = new ModelRepository(Path.GetTempPath());

        Assert.Throws<ModelLoadException>(() => repository.ModelDirectory(name));
    }
}
