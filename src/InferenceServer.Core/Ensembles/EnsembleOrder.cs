using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Core.Ensembles;

/// <summary>The order ensembles load and unload in, from the models their steps name.</summary>
internal static class EnsembleOrder
{
    /// <summary>
    /// The ensemble plans with every ensemble after the ensembles it calls (a cycle between ensembles keeps the config
    /// order; those fail their load naming the step whose model is not ready).
    /// </summary>
    public static IEnumerable<ModelLoadPlan> DependenciesFirst(IEnumerable<ModelLoadPlan> ensembles)
    {
        var byName = ensembles.ToDictionary(p => p.ModelName, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<ModelLoadPlan>(byName.Count);
        foreach (var name in byName.Keys.Order(StringComparer.Ordinal))
        {
            Place(name);
        }

        return order;

        void Place(string name)
        {
            if (placed.Contains(name) || !visiting.Add(name) || !byName.TryGetValue(name, out var plan))
            {
                return;
            }

            foreach (var step in plan.Config!.EnsembleScheduling?.Step ?? [])
            {
                Place(step.ModelName);
            }

            placed.Add(name);
            order.Add(plan);
        }
    }

    /// <summary>
    /// The loaded ensembles that call <paramref name="model"/>, directly or through other ensembles, outermost first
    /// (the order to unload them in so no ensemble is left calling an unloaded one).
    /// </summary>
    public static IReadOnlyList<string> Dependents(ModelTable table, string model)
    {
        var calls = table.Models.Values
            .Select(e => (e.Name, Steps: e.ReadyVersions.Where(v => v.IsEnsemble).SelectMany(v => v.Config.EnsembleScheduling.Step.Select(s => s.ModelName)).ToHashSet(StringComparer.Ordinal)))
            .Where(e => e.Steps.Count > 0)
            .ToArray();
        var reached = new HashSet<string>(StringComparer.Ordinal) { model };
        var found = new List<string>();
        bool grew;
        do
        {
            grew = false;
            foreach (var (name, steps) in calls)
            {
                if (!reached.Contains(name) && steps.Overlaps(reached))
                {
                    reached.Add(name);
                    found.Add(name);
                    grew = true;
                }
            }
        }
        while (grew);

        found.Reverse();
        return found;
    }
}
