using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Inference;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Protocols.Grpc;

namespace InferenceServer.Benchmarks.Grpc;

/// <summary>
/// The gRPC <c>ModelInfer</c> path for Triton's <c>simple</c> in process, split between what is ours and what
/// is the protocol library's. <see cref="ModelInfer"/> calls the service method as grpc-dotnet does once it
/// has deserialized the message (resolve, request pool, <c>GrpcRequestMapper.Map</c>, <c>InferAsync</c>,
/// <c>GrpcResponses.Infer</c>), with one request message reused, so the request's protobuf objects are not
/// counted; <see cref="BuildResponse"/> is the response's protobuf objects alone (message, tensors, the
/// ByteString copies); <see cref="ParseRequest"/> and <see cref="SerializeResponse"/> are what Google.Protobuf
/// does per call on either side of the method.
/// </summary>
[MemoryDiagnoser]
public class GrpcInferBenchmarks
{
    private const int RequestsPerInvoke = 16;

    private BenchmarkServer _server = null!;
    private ModelVersion _model = null!;
    private GrpcInferenceServiceImpl _service = null!;
    private ModelInferRequest _message = null!;
    private ReadOnlySequence<byte> _messageBytes;
    private InferenceRequest _answer = null!;
    private ModelInferResponse _response = null!;
    private readonly ArrayBufferWriter<byte> _output = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        _server = new BenchmarkServer(BenchmarkModels.Simple());
        _model = _server.Model("simple");
        _service = new GrpcInferenceServiceImpl(_server.Context);
        _message = SimplePayloads.GrpcRequest();
        _messageBytes = new ReadOnlySequence<byte>(_message.ToByteArray());

        var response = _service.ModelInfer(_message, null!).GetAwaiter().GetResult();
        SimplePayloads.Verify(response.RawOutputContents[0].Span, response.RawOutputContents[1].Span);

        _answer = _server.Context.Requests.Rent();
        var error = GrpcRequestMapper.Map(_model, _message, _answer, _server.Buffers);
        if (!error.IsError)
        {
            _model.InferAsync(_answer).AsTask().GetAwaiter().GetResult();
            error = _answer.Error;
        }

        if (error.IsError)
        {
            throw new InvalidOperationException(error.Message);
        }

        _response = GrpcResponses.Infer(_answer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Context.Requests.Return(_answer);
        _server.Dispose();
    }

    /// <summary>The service method end to end (request message reused; response built, not serialized).</summary>
    [Benchmark(OperationsPerInvoke = RequestsPerInvoke)]
    public async Task ModelInfer()
    {
        for (var i = 0; i < RequestsPerInvoke; i++)
        {
            var response = await _service.ModelInfer(_message, null!).ConfigureAwait(false);
            if (response.RawOutputContents.Count != 2)
            {
                throw new InvalidOperationException("ModelInfer answered without two outputs");
            }
        }
    }

    /// <summary>Request rented, the message mapped onto it (raw contents used in place), reset and returned.</summary>
    [Benchmark]
    public void MapRequest()
    {
        var request = _server.Context.Requests.Rent();
        var error = GrpcRequestMapper.Map(_model, _message, request, _server.Buffers);
        _server.Context.Requests.Return(request);
        if (error.IsError)
        {
            throw new InvalidOperationException(error.Message);
        }
    }

    /// <summary>The response message for an answered request: protobuf objects and two ByteString copies.</summary>
    [Benchmark]
    public ModelInferResponse BuildResponse() => GrpcResponses.Infer(_answer);

    /// <summary>Google.Protobuf parsing the request as grpc-dotnet hands it over (the library's, per call).</summary>
    [Benchmark]
    public ModelInferRequest ParseRequest() => ModelInferRequest.Parser.ParseFrom(_messageBytes);

    /// <summary>Google.Protobuf writing the response into a buffer writer, as grpc-dotnet serializes it (the library's, per call).</summary>
    [Benchmark]
    public int SerializeResponse()
    {
        _output.ResetWrittenCount();
        _response.WriteTo(_output);
        return _output.WrittenCount;
    }
}
