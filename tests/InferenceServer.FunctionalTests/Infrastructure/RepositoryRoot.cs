namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>Finds the checkout's root (the folder holding InferenceServer.sln) from the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "InferenceServer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No InferenceServer.sln above {AppContext.BaseDirectory}.");
    }
}
