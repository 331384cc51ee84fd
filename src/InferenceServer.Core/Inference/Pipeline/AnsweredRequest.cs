using InferenceServer.Core.Models;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Inference.Pipeline;

/// <summary>What the after-steps of an answered request need, carried on the pooled request itself (no allocation).</summary>
internal readonly record struct AnsweredRequest(InferencePipeline Pipeline, ModelVersion Version, ModelTraffic? Traffic, RequestOutcome Outcome);
