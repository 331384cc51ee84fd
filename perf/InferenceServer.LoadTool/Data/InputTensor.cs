namespace InferenceServer.LoadTool.Data;

/// <summary>
/// One input of one request, ready to send: its full shape (batch dim included) and its values in the
/// protocol's raw form (little-endian elements; BYTES as 4-byte little-endian length + bytes per element).
/// </summary>
internal sealed record InputTensor(string Name, string DataType, long[] Shape, byte[] Raw);
