namespace InferenceServer.Core.Ensembles;

/// <summary>
/// One entry of a step's <c>input_map</c> or <c>output_map</c>: the composing model's tensor and the ensemble tensor it
/// reads or writes (<paramref name="Tensor"/> indexes <see cref="EnsemblePlan.TensorNames"/>).
/// </summary>
internal readonly record struct EnsembleBinding(string ModelTensor, string EnsembleTensor, int Tensor);
