using InferenceServer.Cuda;
using InferenceServer.Hosting;
using Prometheus;

namespace InferenceServer.Telemetry;

/// <summary>
/// Triton's GPU gauges, labelled <c>gpu_uuid</c> as Triton labels them, read when scraped: device memory
/// from the CUDA driver (all processes' use, as nvidia-smi counts it), utilisation from NVML where the
/// library is present, and each GPU's device-memory pool. On a machine without GPUs there are no series.
/// </summary>
internal sealed class GpuMetrics
{
    private readonly GpuSetup _gpus;
    private readonly Gauge _memoryTotal;
    private readonly Gauge _memoryUsed;
    private readonly Gauge _utilization;
    private readonly Gauge _pool;

    public GpuMetrics(MetricFactory factory, GpuSetup gpus)
    {
        _gpus = gpus;
        string[] labels = ["gpu_uuid"];
        _memoryTotal = factory.CreateGauge("nv_gpu_memory_total_bytes", "GPU total memory, in bytes", labels);
        _memoryUsed = factory.CreateGauge("nv_gpu_memory_used_bytes", "GPU used memory, in bytes", labels);
        _utilization = factory.CreateGauge("nv_gpu_utilization", "GPU utilization rate [0.0 - 1.0)", labels);
        _pool = factory.CreateGauge("inference_server_cuda_memory_pool_bytes", "Device-memory pool of a GPU: budget, allocated (size-classed, rented or idle), rented, overflow_rented (beyond the budget)",
            ["gpu_uuid", "state"]);
    }

    public void Collect()
    {
        if (_gpus.Driver is not { } driver)
        {
            return;
        }

        foreach (var device in driver.Devices)
        {
            CudaMemoryInfo memory;
            try
            {
                memory = driver.PrimaryContext(device.Ordinal).MemoryInfo();
            }
            catch (CudaException)
            {
                // A GPU that stopped answering (Xid error, reset) must not break the scrape of everything else.
                continue;
            }

            _memoryTotal.WithLabels(device.Uuid).Set(memory.TotalBytes);
            _memoryUsed.WithLabels(device.Uuid).Set(memory.UsedBytes);
            if (_gpus.Nvml is { } nvml && nvml.TryGetUtilization(device.PciBusId, out var busy, out _))
            {
                _utilization.WithLabels(device.Uuid).Set(busy / 100.0);
            }

            if (_gpus.Platform is OnnxRuntime.Gpu.CudaGpuPlatform platform)
            {
                var pool = platform.Pool(device.Ordinal);
                _pool.WithLabels(device.Uuid, "budget").Set(pool.ByteBudget);
                _pool.WithLabels(device.Uuid, "allocated").Set(pool.AllocatedBytes);
                _pool.WithLabels(device.Uuid, "rented").Set(pool.RentedBytes);
                _pool.WithLabels(device.Uuid, "overflow_rented").Set(pool.OverflowRentedBytes);
            }
        }
    }
}
