using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using InferenceServer.Cuda.Interop;

namespace InferenceServer.Cuda;

/// <summary>
/// The CUDA driver, loaded at run time. One binary serves machines with and without NVIDIA GPUs:
/// <see cref="TryLoad(out CudaDriver?, out string)"/> looks for <c>libcuda.so.1</c> with
/// <see cref="NativeLibrary.TryLoad(string, out nint)"/>, initialises it and reads the devices; when any
/// step fails it says why and the server carries on without a GPU. Only after it succeeded does any
/// <see cref="CudaDriverNative"/> stub run.
/// </summary>
public sealed unsafe class CudaDriver
{
    private static readonly Lock LoadGate = new();
    private static CudaDriver? _loaded;
    private static string? _failure;

    private readonly CudaContext?[] _contexts;

    private static nint _getUuid;

    private CudaDriver(int version, IReadOnlyList<CudaDeviceInfo> devices)
    {
        Version = version;
        Devices = devices;
        _contexts = new CudaContext?[devices.Count];
    }

    /// <summary>The driver's CUDA version as the driver encodes it: 1000 × major + 10 × minor (13000 = 13.0).</summary>
    public int Version { get; }

    /// <summary>"13.0".</summary>
    public string VersionText => FormattableString.Invariant($"{Version / 1000}.{Version % 1000 / 10}");

    /// <summary>The GPUs the driver sees, by ordinal.</summary>
    public IReadOnlyList<CudaDeviceInfo> Devices { get; }

    /// <summary>
    /// Loads and initialises the process's CUDA driver once; later calls return the same answer.
    /// False, with the reason, when there is no driver, it cannot initialise, or it sees no GPU.
    /// </summary>
    public static bool TryLoad([NotNullWhen(true)] out CudaDriver? driver, out string reason)
    {
        lock (LoadGate)
        {
            if (_loaded is null && _failure is null)
            {
                _loaded = Load(CudaDriverNative.Library, out _failure);
            }

            driver = _loaded;
            reason = _failure ?? string.Empty;
            return driver is not null;
        }
    }

    /// <summary>The primary context of GPU <paramref name="ordinal"/>, retained for the life of the process (the one ONNX Runtime and every CUDA library share).</summary>
    public CudaContext PrimaryContext(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Devices.Count);
        lock (_contexts)
        {
            if (_contexts[ordinal] is { } existing)
            {
                return existing;
            }

            int device;
            nint context;
            Check(CudaDriverNative.cuDeviceGet(&device, ordinal), "cuDeviceGet");
            Check(CudaDriverNative.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
            return _contexts[ordinal] = new CudaContext(ordinal, context);
        }
    }

    /// <summary>Throws <see cref="CudaException"/> naming <paramref name="call"/> when <paramref name="result"/> is not success.</summary>
    internal static void Check(int result, string call)
    {
        if (result != CudaConstants.Success)
        {
            throw Error(result, call);
        }
    }

    internal static CudaException Error(int result, string call)
    {
        byte* name = null;
        byte* description = null;
        var knownName = CudaDriverNative.cuGetErrorName(result, &name) == CudaConstants.Success && name is not null;
        var knownText = CudaDriverNative.cuGetErrorString(result, &description) == CudaConstants.Success && description is not null;
        return new CudaException(
            call,
            result,
            knownName ? Marshal.PtrToStringUTF8((nint)name)! : $"CUresult {result}",
            knownText ? Marshal.PtrToStringUTF8((nint)description)! : "unknown error");
    }

    /// <summary>The load itself; <paramref name="library"/> other than <see cref="CudaDriverNative.Library"/> exists for tests of the failure paths.</summary>
    internal static CudaDriver? Load(string library, out string? failure)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            failure = $"the CUDA driver library ({library}) was not found";
            return null;
        }

        if (!NativeLibrary.TryGetExport(handle, "cuInit", out _))
        {
            failure = $"{library} does not export cuInit: not a CUDA driver";
            return null;
        }

        if (library != CudaDriverNative.Library)
        {
            failure = $"{library} is not {CudaDriverNative.Library}";
            return null;
        }

        // Renamed across CUDA versions (the _v2 form since 11.4); either gives the same 16 bytes.
        if (!NativeLibrary.TryGetExport(handle, "cuDeviceGetUuid_v2", out _getUuid))
        {
            NativeLibrary.TryGetExport(handle, "cuDeviceGetUuid", out _getUuid);
        }

        try
        {
            Check(CudaDriverNative.cuInit(0), "cuInit");
            int version, count;
            Check(CudaDriverNative.cuDriverGetVersion(&version), "cuDriverGetVersion");
            Check(CudaDriverNative.cuDeviceGetCount(&count), "cuDeviceGetCount");
            if (count == 0)
            {
                failure = "the CUDA driver sees no GPU";
                return null;
            }

            var devices = new CudaDeviceInfo[count];
            for (var ordinal = 0; ordinal < count; ordinal++)
            {
                devices[ordinal] = ReadDevice(ordinal);
            }

            failure = null;
            return new CudaDriver(version, devices);
        }
        catch (CudaException ex)
        {
            failure = ex.Message;
            return null;
        }
        catch (EntryPointNotFoundException ex)
        {
            failure = $"{library} lacks a driver function the server needs: {ex.Message}";
            return null;
        }
    }

    private static CudaDeviceInfo ReadDevice(int ordinal)
    {
        int device;
        Check(CudaDriverNative.cuDeviceGet(&device, ordinal), "cuDeviceGet");
        var text = stackalloc byte[256];
        Check(CudaDriverNative.cuDeviceGetName(text, 256, device), "cuDeviceGetName");
        var name = Marshal.PtrToStringUTF8((nint)text)!;
        Check(CudaDriverNative.cuDeviceGetPCIBusId(text, 256, device), "cuDeviceGetPCIBusId");
        var busId = Marshal.PtrToStringUTF8((nint)text)!;
        nuint total;
        Check(CudaDriverNative.cuDeviceTotalMem_v2(&total, device), "cuDeviceTotalMem_v2");
        var major = Attribute(device, CudaDeviceAttribute.ComputeCapabilityMajor);
        var minor = Attribute(device, CudaDeviceAttribute.ComputeCapabilityMinor);
        return new CudaDeviceInfo(
            ordinal,
            name,
            ReadUuid(device),
            busId,
            (long)total,
            FormattableString.Invariant($"{major}.{minor}"),
            Attribute(device, CudaDeviceAttribute.MultiprocessorCount),
            Attribute(device, CudaDeviceAttribute.AsyncEngineCount));
    }

    private static string ReadUuid(int device)
    {
        if (_getUuid == 0)
        {
            return string.Empty;
        }

        var uuid = stackalloc byte[16];
        Check(((delegate* unmanaged<byte*, int, int>)_getUuid)(uuid, device), "cuDeviceGetUuid");
        var hex = Convert.ToHexStringLower(new ReadOnlySpan<byte>(uuid, 16));
        return $"GPU-{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static int Attribute(int device, CudaDeviceAttribute attribute)
    {
        int value;
        Check(CudaDriverNative.cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }
}
