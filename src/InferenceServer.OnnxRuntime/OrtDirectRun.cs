using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// Calls ONNX Runtime's C API <c>Run</c> directly for a session whose inputs and outputs are all preallocated
/// <see cref="OrtValue"/>s. The managed <c>InferenceSession.Run</c> builds four arrays (UTF-8 name pointers and
/// value handles) and two LINQ iterators on every call, ~250 B per execution, which a request run alone pays in
/// full; here the names are converted once per instance and the pointer arrays live on the stack, so a run
/// allocates nothing. The function table is the C API's version-1 block (<c>OrtApi</c> members 1, 2, 9 and 93),
/// which ONNX Runtime keeps fixed across releases. Errors come back as <see cref="OrtRunException"/> with the
/// same "[ErrorCode:…] message" text the managed API gives.
/// </summary>
internal sealed unsafe partial class OrtDirectRun : IDisposable
{
    private const uint ApiVersion = 1;
    private const int GetErrorCodeIndex = 1;
    private const int GetErrorMessageIndex = 2;
    private const int RunIndex = 9;
    private const int ReleaseStatusIndex = 93;

    private static readonly nint* Api = LoadApi();

    // OrtErrorCode's values, named as the managed API's ErrorCode names them in its messages.
    private static readonly string[] ErrorCodeNames =
    [
        "Ok", "Fail", "InvalidArgument", "NoSuchFile", "NoModel", "EngineError", "RuntimeException", "InvalidProtobuf",
        "ModelLoaded", "NotImplemented", "InvalidGraph", "ExecutionProviderFail",
    ];

    private readonly InferenceSession _session;
    private readonly Dictionary<string, nint> _utf8Names = new(StringComparer.Ordinal);

    public OrtDirectRun(InferenceSession session) => _session = session;

    /// <summary>Runs the session on <paramref name="inputs"/>, writing into the preallocated <paramref name="outputs"/>.</summary>
    public void Run(RunOptions options, List<string> inputNames, List<OrtValue> inputs, List<string> outputNames, List<OrtValue> outputs)
    {
        var inputCount = inputs.Count;
        var outputCount = outputs.Count;
        var names = stackalloc nint[inputCount + outputCount];
        var values = stackalloc nint[inputCount + outputCount];
        for (var i = 0; i < inputCount; i++)
        {
            names[i] = Utf8Name(inputNames[i]);
            values[i] = ValueHandle(inputs[i]);
        }

        for (var i = 0; i < outputCount; i++)
        {
            names[inputCount + i] = Utf8Name(outputNames[i]);
            values[inputCount + i] = ValueHandle(outputs[i]);
        }

        var run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Api[RunIndex];
        var status = run(SessionHandle(_session), RunOptionsHandle(options), names, values, (nuint)inputCount, names + inputCount, (nuint)outputCount, values + inputCount);
        GC.KeepAlive(options);
        GC.KeepAlive(inputs);
        GC.KeepAlive(outputs);
        if (status != 0)
        {
            throw TakeError(status);
        }
    }

    public void Dispose()
    {
        foreach (var name in _utf8Names.Values)
        {
            NativeMemory.Free((void*)name);
        }

        _utf8Names.Clear();
    }

    private nint Utf8Name(string name)
    {
        if (!_utf8Names.TryGetValue(name, out var utf8))
        {
            utf8 = (nint)Utf8StringMarshaller.ConvertToUnmanaged(name);
            _utf8Names.Add(name, utf8);
        }

        return utf8;
    }

    private static OrtRunException TakeError(nint status)
    {
        var code = ((delegate* unmanaged<nint, int>)Api[GetErrorCodeIndex])(status);
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)Api[GetErrorMessageIndex])(status)) ?? "";
        ((delegate* unmanaged<nint, void>)Api[ReleaseStatusIndex])(status);
        var name = code >= 0 && code < ErrorCodeNames.Length ? ErrorCodeNames[code] : code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new OrtRunException($"[ErrorCode:{name}] {message}");
    }

    private static nint* LoadApi()
    {
        var apiBase = (nint*)OrtGetApiBase();
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var api = getApi(ApiVersion);
        return api is not null ? api : throw new InvalidOperationException($"ONNX Runtime did not provide C API version {ApiVersion}");
    }

    // The managed API keeps its native pointers internal; read them without reflection (native-AOT safe).
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_nativeHandle")]
    private static extern ref nint SessionHandle(InferenceSession session);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Handle")]
    private static extern nint ValueHandle(OrtValue value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Handle")]
    private static extern nint RunOptionsHandle(RunOptions options);

    [LibraryImport("onnxruntime")]
    private static partial nint OrtGetApiBase();
}
