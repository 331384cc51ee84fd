namespace InferenceServer.FuzzTargets.Targets;

/// <summary>The targets by command-line name.</summary>
internal static class FuzzTargetCatalog
{
    public static readonly string[] Names = ["json", "binary", "grpc", "pbtxt"];

    public static IFuzzTarget Create(string name) => name switch
    {
        "json" => new JsonRequestTarget(),
        "binary" => new BinaryRequestTarget(),
        "grpc" => new GrpcRequestTarget(),
        "pbtxt" => new ModelConfigTarget(),
        _ => throw new ArgumentException($"unknown target '{name}'; the targets are {string.Join(", ", Names)}", nameof(name)),
    };
}
