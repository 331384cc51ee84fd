namespace InferenceServer.Cuda;

/// <summary>A CUDA driver call that did not return <c>CUDA_SUCCESS</c>: names the call and the driver's error.</summary>
public sealed class CudaException : Exception
{
    public CudaException(string call, int result, string errorName, string description)
        : base($"{call} failed: {errorName} ({description})")
    {
        Call = call;
        Result = result;
        ErrorName = errorName;
    }

    /// <summary>The driver function that failed, e.g. <c>cuMemAlloc_v2</c>.</summary>
    public string Call { get; }

    /// <summary>The CUresult it returned.</summary>
    public int Result { get; }

    /// <summary>The result's name from <c>cuGetErrorName</c>, e.g. <c>CUDA_ERROR_OUT_OF_MEMORY</c>.</summary>
    public string ErrorName { get; }
}
