using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// Binds a generated gRPC service so that a request whose bytes are not its message is answered with
/// INVALID_ARGUMENT naming the message, instead of grpc-dotnet's UNKNOWN "Exception was thrown by handler."
/// and an error log line per call. Protobuf parsing runs before any interceptor or handler sees the call,
/// so its failure is turned into an <see cref="RpcException"/> in the request marshaller itself.
/// </summary>
/// <remarks>
/// It replaces grpc-dotnet's default binder for every service (the host removes that one), and calls the
/// generated <c>BindService(ServiceBinderBase, TService)</c> with one stateless instance, so the handlers are
/// bound without reflection.
/// </remarks>
public sealed class StrictServiceMethodProvider<[DynamicallyAccessedMembers(ServiceAccessibility)] TService> : IServiceMethodProvider<TService>
    where TService : class
{
    // What grpc-dotnet asks of a service type (its GrpcProtocolConstants.ServiceAccessibility).
    private const DynamicallyAccessedMemberTypes ServiceAccessibility =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    private readonly Action<ServiceBinderBase, TService> _bind;
    private readonly TService _service;

    /// <param name="bind">The generated <c>BindService(ServiceBinderBase, TService)</c>.</param>
    /// <param name="service">The instance every call is handled by (the services keep no per-call state).</param>
    public StrictServiceMethodProvider(Action<ServiceBinderBase, TService> bind, TService service)
    {
        _bind = bind;
        _service = service;
    }

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context) => _bind(new Binder(context), _service);

    private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var request = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request is not a valid {typeof(TRequest).Name} message: {ex.Message}"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, request, method.ResponseMarshaller);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Strict(method), [], (_, request, call) => handler!(request, call));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Strict(method), [], (_, requests, call) => handler!(requests, call));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Strict(method), [], (_, request, responses, call) => handler!(request, responses, call));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Strict(method), [], (_, requests, responses, call) => handler!(requests, responses, call));
    }
}
