using Inference;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Core.Models;

/// <summary>
/// Reads each output's <c>label_filename</c> (a text file in the model folder, one label per line, line n = class n) for
/// the classification extension. A label file that is named but missing or outside the repository fails the load, naming
/// the field.
/// </summary>
internal static class ClassLabels
{
    public static void Attach(ModelConfig config, ModelSignature signature, string modelDirectory, ModelRepository repository)
    {
        foreach (var output in config.Output)
        {
            if (output.LabelFilename.Length == 0)
            {
                continue;
            }

            var what = $"label_filename '{output.LabelFilename}' of output '{output.Name}' of model '{config.Name}'";
            var path = repository.EnsureInside(Path.Combine(modelDirectory, output.LabelFilename), what);
            try
            {
                signature.FindOutput(output.Name)!.Labels = File.ReadAllLines(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ModelLoadException($"{what} cannot be read: {ex.Message}");
            }
        }
    }
}
