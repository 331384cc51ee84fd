namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>What a pod inherits from the image the Dockerfile builds: the entrypoint (the command when a container
/// names none) and the user id it runs as.</summary>
internal sealed record ImageFacts(IReadOnlyList<string> Entrypoint, int? Uid);
