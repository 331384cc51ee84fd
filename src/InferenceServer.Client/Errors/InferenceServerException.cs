using System.Net;
using Grpc.Core;

namespace InferenceServer.Client.Errors;

/// <summary>
/// A call the server refused or could not answer: it carries the server's own message and the status it answered with
/// (<see cref="HttpStatus"/> over HTTP, <see cref="GrpcStatus"/> over gRPC). A deadline that passed is one too
/// (<see cref="IsDeadlineExceeded"/>), as is a connection that could not be made after the allowed retries
/// (<see cref="IsConnectionFailure"/>, with the transport's exception as <see cref="Exception.InnerException"/>).
/// </summary>
public sealed class InferenceServerException : Exception
{
    /// <summary>An error with only a message (for callers' own tests and wrappers).</summary>
    public InferenceServerException(string message)
        : base(message)
    {
        ServerMessage = message;
    }

    /// <summary>An error with a message and the exception that caused it.</summary>
    public InferenceServerException(string message, Exception innerException)
        : base(message, innerException)
    {
        ServerMessage = message;
    }

    /// <summary>An error with no message.</summary>
    public InferenceServerException()
        : this("the inference server call failed")
    {
    }

    internal InferenceServerException(string message, string serverMessage, HttpStatusCode? httpStatus, StatusCode? grpcStatus, bool deadlineExceeded, bool connectionFailure, Exception? innerException)
        : base(message, innerException)
    {
        ServerMessage = serverMessage;
        HttpStatus = httpStatus;
        GrpcStatus = grpcStatus;
        IsDeadlineExceeded = deadlineExceeded;
        IsConnectionFailure = connectionFailure;
    }

    /// <summary>The server's message (the HTTP body's <c>"error"</c>, the gRPC status detail); for a client-side failure, the client's own words.</summary>
    public string ServerMessage { get; }

    /// <summary>The HTTP status the server answered with; null over gRPC and when no answer came.</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>The gRPC status the call ended with; null over HTTP.</summary>
    public StatusCode? GrpcStatus { get; }

    /// <summary>The call's deadline (<see cref="InferenceClientOptions.Timeout"/>) passed before the answer came.</summary>
    public bool IsDeadlineExceeded { get; }

    /// <summary>No connection to the server could be made (refused, unreachable), after the retries such a failure allows.</summary>
    public bool IsConnectionFailure { get; }
}
