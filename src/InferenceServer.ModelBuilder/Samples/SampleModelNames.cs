namespace InferenceServer.ModelBuilder.Samples;

/// <summary>Model, tensor and graph names the samples use, for callers that build requests or configs.</summary>
internal static class SampleModelNames
{
    public const string Simple = "simple";
    public const string SimpleString = "simple_string";
    public const string SimpleIdentity = "simple_identity";
    public const string FraudDetector = "fraud_detector";
    public const string FixedShape = "fixed_shape";

    public const string Input0 = "INPUT0";
    public const string Input1 = "INPUT1";
    public const string Output0 = "OUTPUT0";
    public const string Output1 = "OUTPUT1";

    public const string FraudFeatures = "features";
    public const string FraudProbabilities = "probabilities";
}
