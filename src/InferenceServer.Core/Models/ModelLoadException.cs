namespace InferenceServer.Core.Models;

/// <summary>A model or version cannot be loaded; the message is the reason the repository index shows.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ModelLoadException()
    {
    }
}
