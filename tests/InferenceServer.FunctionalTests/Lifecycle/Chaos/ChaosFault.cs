namespace InferenceServer.FunctionalTests.Lifecycle.Chaos;

/// <summary>What goes wrong before a version swap of the chaos soak (<see cref="ChaosSoak"/>), in the order the soak injects them.</summary>
internal enum ChaosFault
{
    /// <summary>None: a clean swap.</summary>
    None,

    /// <summary>The next version's copy stops half-way: its model file holds the first half of the bytes, and stays so.</summary>
    CopyKilledHalfWay,

    /// <summary>The next version's model file is not ONNX at all.</summary>
    CorruptModel,

    /// <summary>config.pbtxt gets a misspelt field.</summary>
    ConfigTypo,

    /// <summary>Requests to another model of the repository whose graph fails at run time.</summary>
    FailingAtRunTime,

    /// <summary>The repository folder is renamed away, and back.</summary>
    RepositoryRenamed,

    /// <summary>
    /// The next version's model file cannot be read. Made a folder rather than a file with its permission bits
    /// cleared: as root (CI) permission bits do not stop a read, and a folder fails the read the same way for every user.
    /// </summary>
    UnreadableModel,
}
