using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// Calls ONNX Runtime's C API <c>Run</c> directly for a session whose outputs are all preallocated. The managed
/// <c>InferenceSession.Run</c> builds four arrays (UTF-8 name pointers and value handles) and two LINQ iterators on
/// every call, ~250 B per execution, which a request run alone pays in full; here the names are converted once per
/// instance and the pointer arrays live on the stack, so a run allocates nothing; <see cref="CreateTensor"/> makes
/// input and output values without managed <see cref="OrtValue"/> objects (72 B each). The function table is the C
/// API's version-1 block (<c>OrtApi</c> members 1, 2, 9, 49, 69, 93 and 96), which ONNX Runtime keeps fixed across
/// releases. Errors come back as <see cref="OrtRunException"/> with the same "[ErrorCode:…] message" text the
/// managed API gives.
/// </summary>
internal sealed unsafe partial class OrtDirectRun : IDisposable
{
    private const uint ApiVersion = 1;

    // The OrtApi members called, by index; OrtApiSlotTests checks each against the restored package's header.
    internal const int GetErrorCodeIndex = 1;
    internal const int GetErrorMessageIndex = 2;
    internal const int RunIndex = 9;
    internal const int CreateTensorWithDataIndex = 49;
    internal const int CreateCpuMemoryInfoIndex = 69;
    internal const int ReleaseStatusIndex = 93;
    internal const int ReleaseValueIndex = 96;

    private static readonly nint* Api = LoadApi();

    // Where CreateTensor's memory lives: the CPU (arena allocator, default memory type, as Ort::MemoryInfo::CreateCpu).
    private static readonly nint CpuMemoryInfo = CreateCpuMemoryInfo();

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
    public void Run(RunOptions options, IReadOnlyList<string> inputNames, List<OrtValue> inputs, IReadOnlyList<string> outputNames, List<OrtValue> outputs)
    {
        var handles = stackalloc nint[inputs.Count + outputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            handles[i] = ValueHandle(inputs[i]);
        }

        for (var i = 0; i < outputs.Count; i++)
        {
            handles[inputs.Count + i] = ValueHandle(outputs[i]);
        }

        Run(options, inputNames, outputNames, handles, inputs.Count, outputs.Count);
        GC.KeepAlive(inputs);
        GC.KeepAlive(outputs);
    }

    /// <summary>Runs the session on native values made by <see cref="CreateTensor"/>, writing into the preallocated <paramref name="outputs"/>.</summary>
    public void Run(RunOptions options, IReadOnlyList<string> inputNames, List<nint> inputs, IReadOnlyList<string> outputNames, List<nint> outputs)
    {
        var handles = stackalloc nint[inputs.Count + outputs.Count];
        CollectionsMarshal.AsSpan(inputs).CopyTo(new Span<nint>(handles, inputs.Count));
        CollectionsMarshal.AsSpan(outputs).CopyTo(new Span<nint>(handles + inputs.Count, outputs.Count));
        Run(options, inputNames, outputNames, handles, inputs.Count, outputs.Count);
    }

    /// <summary>
    /// A native tensor over <paramref name="bytes"/> bytes at <paramref name="address"/> (not copied: the memory must
    /// outlive the value), without a managed <see cref="OrtValue"/>; give it back with <see cref="ReleaseValue"/>.
    /// </summary>
    public static nint CreateTensor(nint address, long bytes, long[] shape, TensorElementType type)
    {
        nint value;
        fixed (long* dims = shape)
        {
            var create = (delegate* unmanaged<nint, nint, nuint, long*, nuint, int, nint*, nint>)Api[CreateTensorWithDataIndex];
            var status = create(CpuMemoryInfo, address, (nuint)bytes, dims, (nuint)shape.Length, (int)type, &value);
            if (status != 0)
            {
                throw TakeError(status);
            }
        }

        return value;
    }

    public static void ReleaseValue(nint value) => ((delegate* unmanaged<nint, void>)Api[ReleaseValueIndex])(value);

    private void Run(RunOptions options, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, nint* values, int inputCount, int outputCount)
    {
        var names = stackalloc nint[inputCount + outputCount];
        for (var i = 0; i < inputCount; i++)
        {
            names[i] = Utf8Name(inputNames[i]);
        }

        for (var i = 0; i < outputCount; i++)
        {
            names[inputCount + i] = Utf8Name(outputNames[i]);
        }

        var run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Api[RunIndex];
        var status = run(SessionHandle(_session), RunOptionsHandle(options), names, values, (nuint)inputCount, names + inputCount, (nuint)outputCount, values + inputCount);
        GC.KeepAlive(options);
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

    private static nint CreateCpuMemoryInfo()
    {
        const int ArenaAllocator = 1;
        const int DefaultMemoryType = 0;
        nint info;
        var status = ((delegate* unmanaged<int, int, nint*, nint>)Api[CreateCpuMemoryInfoIndex])(ArenaAllocator, DefaultMemoryType, &info);
        return status == 0 ? info : throw TakeError(status);
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
