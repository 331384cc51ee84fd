using InferenceServer.Cuda;
using InferenceServer.GpuChecks;

// Checks of the CUDA path that need a real GPU (see README.md in this folder). Exit code: 0 all
// passed, 1 a check failed, 2 no GPU here. `gpu-checks ort-limit …` measures in-process ONNX Runtime CUDA instead;
// `gpu-checks compare …` checks a model's answers against a reference model's over HTTP and gRPC.
if (args is ["ort-limit", .. var limitArgs])
{
    return OrtLimit.Run(limitArgs);
}

if (args is ["compare", .. var compareArgs])
{
    return await ModelComparison.RunAsync(compareArgs);
}

var report = new CheckReport();
if (!CudaDriver.TryLoad(out var driver, out var reason))
{
    Console.WriteLine($"no GPU: {reason}");
    return 2;
}

report.Info($"CUDA driver {driver.VersionText}, {driver.Devices.Count} GPU(s)");
foreach (var device in driver.Devices)
{
    report.Info($"  {device}, {device.MultiprocessorCount} SMs, {device.AsyncEngineCount} copy engines");
}

var context = driver.PrimaryContext(0);
var memory = context.MemoryInfo();
report.Result("device", ("name", driver.Devices[0].Name), ("uuid", driver.Devices[0].Uuid), ("driver", driver.VersionText), ("memory_total", memory.TotalBytes), ("memory_used", memory.UsedBytes));
if (NvmlLibrary.TryLoad(out var nvml, out var nvmlReason))
{
    var read = nvml.TryGetUtilization(driver.Devices[0].PciBusId, out var gpu, out var memoryBusy);
    report.Check("NVML utilisation readable", read, read ? $"gpu {gpu} %, memory {memoryBusy} %" : "nvmlDeviceGetUtilizationRates failed");
}
else
{
    report.Info($"NVML not available: {nvmlReason}");
}

BandwidthCheck.Run(context, report);
foreach (var streams in new[] { 1, 2, 4 })
{
    RoundTripCheck.Run(context, report, streams);
}

PoolCheck.Run(context, report);
InstanceDeviceCheck.Run(driver, report);
OverlapCheck.Run(context, report);
Console.WriteLine(report.Failed ? "GPU checks: FAILED" : "GPU checks: all passed");
return report.Failed ? 1 : 0;
