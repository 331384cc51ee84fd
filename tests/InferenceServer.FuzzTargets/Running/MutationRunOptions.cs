namespace InferenceServer.FuzzTargets.Running;

/// <summary>How long and from where the in-process mutation run goes.</summary>
/// <param name="Seconds">Run time; when 0, <paramref name="Iterations"/> bounds the run instead.</param>
/// <param name="Iterations">Number of mutated inputs, when <paramref name="Seconds"/> is 0.</param>
/// <param name="Seed">CsCheck seed to replay a run, or null for a fresh one.</param>
/// <param name="Corpus">A folder whose files are the seeds (an AFL queue, say), or null for the built-in seeds.</param>
/// <param name="Findings">Where a failing input is written.</param>
internal sealed record MutationRunOptions(int Seconds, long Iterations, string? Seed, string? Corpus, string Findings);
