using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.FuzzTargets.Seeds;

namespace InferenceServer.FuzzTargets.Models;

/// <summary>
/// The sample models (<see cref="ConfigSeeds.Models"/>) as loaded versions without instances. A request
/// input is parsed against each of them: the body of an HTTP request does not name its model, and each
/// model opens other paths (batching, BYTES, fixed and variable dimensions, one input for raw binary).
/// </summary>
internal static class FuzzModels
{
    public static IReadOnlyList<ModelVersion> Create() =>
    [
        .. ConfigSeeds.Models.Select(static model =>
        {
            var config = ProtoTextParser.ParseModelConfig(model.Text, model.Name);
            return new ModelVersion(model.Name, 1, config, ModelSignatureFactory.FromConfig(config), new NoInstanceRuntime(config), TimeProvider.System);
        }),
    ];
}
