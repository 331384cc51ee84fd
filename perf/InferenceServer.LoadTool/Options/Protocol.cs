namespace InferenceServer.LoadTool.Options;

/// <summary>The wire protocol the load is sent over (<c>-i</c> / <c>--protocol</c>).</summary>
public enum Protocol
{
    Http,
    Grpc,
}
