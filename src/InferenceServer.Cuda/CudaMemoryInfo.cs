namespace InferenceServer.Cuda;

/// <summary>Device memory as the driver counts it (<c>cuMemGetInfo</c>): every process's allocations, not only ours.</summary>
public readonly record struct CudaMemoryInfo(long FreeBytes, long TotalBytes)
{
    public long UsedBytes => TotalBytes - FreeBytes;
}
