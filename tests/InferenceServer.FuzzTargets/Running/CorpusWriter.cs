namespace InferenceServer.FuzzTargets.Running;

/// <summary>Writes each target's seeds to <c>&lt;root&gt;/&lt;target&gt;/</c>, the starting corpus afl-fuzz reads.</summary>
internal static class CorpusWriter
{
    public static int Write(string root)
    {
        foreach (var name in Targets.FuzzTargetCatalog.Names)
        {
            var target = Targets.FuzzTargetCatalog.Create(name);
            var folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            foreach (var (seedName, bytes) in target.Seeds)
            {
                // Every seed must be accepted by its parser, or the corpus starts from noise.
                var label = target.Execute(bytes);
                if (!label.Contains(Targets.OutcomeLabel.Accepted, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"seed '{seedName}' of target '{name}' is not accepted: {label}");
                }

                File.WriteAllBytes(Path.Combine(folder, seedName + target.Extension), bytes);
            }

            Console.WriteLine($"{name}: {target.Seeds.Count} seeds in {folder}");
        }

        return 0;
    }
}
