namespace InferenceServer.ModelBuilder.Repository;

/// <summary>One model of the sample repository: its directory name, config.pbtxt text and ONNX bytes.</summary>
internal sealed class SampleModel(string name, string config, byte[] onnx)
{
    public string Name { get; } = name;

    public string Config { get; } = config;

    public byte[] Onnx { get; } = onnx;
}
