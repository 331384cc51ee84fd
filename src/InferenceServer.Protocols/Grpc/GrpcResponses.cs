using Google.Protobuf;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using StatisticDuration = Inference.StatisticDuration;

namespace InferenceServer.Protocols.Grpc;

/// <summary>Builds the gRPC response messages from the server's state.</summary>
internal static class GrpcResponses
{
    /// <summary>
    /// Outputs always go in <c>raw_output_contents</c>, one entry per output, in order (brief §3.4); an output written
    /// into a shared-memory region has an empty entry and the region's parameters, as Triton answers.
    /// </summary>
    public static ModelInferResponse Infer(InferenceRequest request)
    {
        var version = request.Version!;
        var response = new ModelInferResponse
        {
            ModelName = version.Name,
            ModelVersion = version.VersionString,
            Id = request.Id,
        };
        foreach (var output in request.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor
            {
                Name = output.Name,
                Datatype = output.DataType.ToProtocolString(),
            };
            foreach (var dim in output.Shape.Dimensions)
            {
                tensor.Shape.Add(dim);
            }

            response.Outputs.Add(tensor);
            if (output.SharedMemory is { } shm)
            {
                tensor.Parameters["shared_memory_region"] = new InferParameter { StringParam = shm.Region };
                tensor.Parameters["shared_memory_offset"] = new InferParameter { Int64Param = shm.Offset };
                tensor.Parameters["shared_memory_byte_size"] = new InferParameter { Int64Param = output.Data.Length };
                response.RawOutputContents.Add(ByteString.Empty);
                continue;
            }

            response.RawOutputContents.Add(ByteString.CopyFrom(output.Data.Span));
        }

        return response;
    }

    public static ModelMetadataResponse Metadata(ModelVersion model, IEnumerable<ModelVersion> versions)
    {
        var response = new ModelMetadataResponse { Name = model.Name, Platform = model.Platform };
        response.Versions.AddRange(versions.Select(v => v.VersionString));
        foreach (var spec in model.Signature.Inputs)
        {
            response.Inputs.Add(Tensor(model.Signature, spec));
        }

        foreach (var spec in model.Signature.Outputs)
        {
            response.Outputs.Add(Tensor(model.Signature, spec));
        }

        return response;
    }

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(ModelSignature signature, TensorSpec spec)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.DataType.ToProtocolString() };
        tensor.Shape.AddRange(signature.PublicShape(spec));
        return tensor;
    }

    public static ModelStatisticsResponse Statistics(IEnumerable<ModelVersion> versions)
    {
        var response = new ModelStatisticsResponse();
        foreach (var version in versions)
        {
            var stats = version.Statistics;
            var model = new ModelStatistics
            {
                Name = version.Name,
                Version = version.VersionString,
                LastInference = (ulong)stats.LastInferenceMilliseconds,
                InferenceCount = (ulong)stats.InferenceCount,
                ExecutionCount = (ulong)stats.ExecutionCount,
                InferenceStats = new InferStatistics
                {
                    Success = Duration(stats.Success),
                    Fail = Duration(stats.Fail),
                    Queue = Duration(stats.Queue),
                    ComputeInput = Duration(stats.ComputeInput),
                    ComputeInfer = Duration(stats.ComputeInfer),
                    ComputeOutput = Duration(stats.ComputeOutput),
                    CacheHit = Duration(stats.CacheHit),
                    CacheMiss = Duration(stats.CacheMiss),
                },
            };
            foreach (var batch in stats.BatchSizes)
            {
                model.BatchStats.Add(new InferBatchStatistics
                {
                    BatchSize = (ulong)batch.BatchSize,
                    ComputeInput = Duration(batch.ComputeInput),
                    ComputeInfer = Duration(batch.ComputeInfer),
                    ComputeOutput = Duration(batch.ComputeOutput),
                });
            }

            foreach (var usage in version.MemoryUsage)
            {
                model.MemoryUsage.Add(new MemoryUsage { Type = usage.Kind, Id = usage.DeviceId, ByteSize = (ulong)usage.ByteSize });
            }

            response.ModelStats.Add(model);
        }

        return response;
    }

    private static StatisticDuration Duration(Core.Models.StatisticDuration duration) =>
        new() { Count = (ulong)duration.Count, Ns = (ulong)duration.Nanoseconds };

    public static RepositoryIndexResponse Index(IReadOnlyList<RepositoryIndexEntry> rows)
    {
        var response = new RepositoryIndexResponse();
        foreach (var row in rows)
        {
            response.Models.Add(new RepositoryIndexResponse.Types.ModelIndex
            {
                Name = row.Name,
                Version = row.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                State = row.State?.ToProtocolString() ?? "",
                Reason = row.Reason,
            });
        }

        return response;
    }
}
