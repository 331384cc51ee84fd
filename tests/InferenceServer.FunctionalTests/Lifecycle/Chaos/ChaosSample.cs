namespace InferenceServer.FunctionalTests.Lifecycle.Chaos;

/// <summary>The server process after one swap of the chaos soak: what it holds and what it answered so far.</summary>
internal sealed record ChaosSample(int Swap, ChaosFault Fault, long Version, long RssBytes, int Descriptors, int Threads, long Answers)
{
    public const string CsvHeader = "swap,fault,version,rss_kib,fds,threads,answers";

    public string ToCsv() => FormattableString.Invariant($"{Swap},{Fault},{Version},{RssBytes >> 10},{Descriptors},{Threads},{Answers}");
}
