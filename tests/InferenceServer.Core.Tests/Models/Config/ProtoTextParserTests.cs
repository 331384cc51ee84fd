using Inference;
using InferenceServer.Core.Models.Config;

namespace InferenceServer.Core.Tests.Models.Config;

public class ProtoTextParserTests
{
    private static ModelConfig Parse(string text)
    {
        Assert.True(ProtoTextParser.TryParseModelConfig(text, "config.pbtxt", out var config, out var error), error?.ToString());
        return config;
    }

    [Fact]
    public void Parse_RealisticConfig_ReadsTopLevelAndTensors()
    {
        var config = Parse(SampleConfigs.Realistic);

        Assert.Equal("resnet50", config.Name);
        Assert.Equal("onnxruntime_onnx", config.Platform);
        Assert.Equal("onnxruntime", config.Backend);
        Assert.Equal(8, config.MaxBatchSize);
        Assert.Equal(ModelVersionPolicy.PolicyChoiceOneofCase.Specific, config.VersionPolicy.PolicyChoiceCase);
        Assert.Equal([1L, 3L], config.VersionPolicy.Specific.Versions);

        var input = Assert.Single(config.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal(DataType.TypeFp32, input.DataType);
        Assert.Equal(ModelInput.Types.Format.Nchw, input.Format);
        Assert.Equal([3L, 224L, 224L], input.Dims);
        Assert.Equal([1L, 3L, 224L, 224L], input.Reshape.Shape);

        Assert.Equal(2, config.Output.Count);
        Assert.Equal("probabilities", config.Output[0].Name);
        Assert.Equal([1000L], config.Output[0].Dims);
        Assert.Equal("labels.txt", config.Output[0].LabelFilename);
        Assert.Null(config.Output[0].Reshape);
        Assert.Equal(DataType.TypeInt64, config.Output[1].DataType);
        Assert.NotNull(config.Output[1].Reshape);
        Assert.Empty(config.Output[1].Reshape.Shape);
    }

    [Fact]
    public void Parse_RealisticConfig_ReadsSchedulingAndInstances()
    {
        var config = Parse(SampleConfigs.Realistic);

        Assert.Equal(2, config.InstanceGroup.Count);
        Assert.Equal("cpu_group", config.InstanceGroup[0].Name);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, config.InstanceGroup[0].Kind);
        Assert.Equal(2, config.InstanceGroup[0].Count);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Gpu, config.InstanceGroup[1].Kind);
        Assert.Equal([0, 1], config.InstanceGroup[1].Gpus);

        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.DynamicBatching, config.SchedulingChoiceCase);
        var batching = config.DynamicBatching;
        Assert.Equal([4, 8], batching.PreferredBatchSize);
        Assert.Equal(100UL, batching.MaxQueueDelayMicroseconds);
        Assert.True(batching.PreserveOrdering);
        Assert.Equal(2UL, batching.PriorityLevels);
        Assert.Equal(1UL, batching.DefaultPriorityLevel);
        Assert.Equal(ModelQueuePolicy.Types.TimeoutAction.Delay, batching.DefaultQueuePolicy.TimeoutAction);
        Assert.Equal(5_000_000UL, batching.DefaultQueuePolicy.DefaultTimeoutMicroseconds);
        Assert.True(batching.DefaultQueuePolicy.AllowTimeoutOverride);
        Assert.Equal(16U, batching.DefaultQueuePolicy.MaxQueueSize);
        Assert.Equal(2, batching.PriorityQueuePolicy.Count);
        Assert.Equal(ModelQueuePolicy.Types.TimeoutAction.Reject, batching.PriorityQueuePolicy[1].TimeoutAction);
        Assert.Equal(4U, batching.PriorityQueuePolicy[1].MaxQueueSize);
        Assert.Equal(10_000_000_000UL, batching.PriorityQueuePolicy[2].DefaultTimeoutMicroseconds);
    }

    [Fact]
    public void Parse_RealisticConfig_ReadsOptimizationParametersWarmupAndCache()
    {
        var config = Parse(SampleConfigs.Realistic);

        Assert.Equal(-1, config.Optimization.Graph.Level);
        Assert.Equal(ModelOptimizationPolicy.Types.ModelPriority.PriorityMax, config.Optimization.Priority);
        var accelerator = Assert.Single(config.Optimization.ExecutionAccelerators.GpuExecutionAccelerator);
        Assert.Equal("tensorrt", accelerator.Name);
        Assert.Equal("FP16", accelerator.Parameters["precision_mode"]);
        Assert.Equal("1073741824", accelerator.Parameters["max_workspace_size_bytes"]);
        Assert.True(config.Optimization.InputPinnedMemory.Enable);
        Assert.Null(config.Optimization.OutputPinnedMemory);

        Assert.Equal(2, config.Parameters.Count);
        Assert.Equal("4", config.Parameters["intra_op_thread_count"].StringValue);
        Assert.Equal("1", config.Parameters["execution_mode"].StringValue);

        Assert.Equal(2, config.ModelWarmup.Count);
        var zeros = config.ModelWarmup[0];
        Assert.Equal("zeros", zeros.Name);
        Assert.Equal(8U, zeros.BatchSize);
        Assert.Equal(ModelWarmup.Types.Input.InputDataTypeOneofCase.ZeroData, zeros.Inputs["input"].InputDataTypeCase);
        Assert.Equal([3L, 224L, 224L], zeros.Inputs["input"].Dims);
        var fromFile = config.ModelWarmup[1];
        Assert.Equal(2U, fromFile.Count);
        Assert.Equal(ModelWarmup.Types.Input.InputDataTypeOneofCase.InputDataFile, fromFile.Inputs["input"].InputDataTypeCase);
        Assert.Equal("input.bin", fromFile.Inputs["input"].InputDataFile);

        Assert.True(config.ResponseCache.Enable);
        Assert.Null(config.ModelTransactionPolicy);
    }

    [Theory]
    [InlineData("version_policy: { latest: { num_versions: 2 } }", ModelVersionPolicy.PolicyChoiceOneofCase.Latest)]
    [InlineData("version_policy { all {} }", ModelVersionPolicy.PolicyChoiceOneofCase.All)]
    [InlineData("version_policy < all < > >", ModelVersionPolicy.PolicyChoiceOneofCase.All)]
    [InlineData("version_policy: { specific: { versions: 4 versions: [ 5 ] } }", ModelVersionPolicy.PolicyChoiceOneofCase.Specific)]
    public void Parse_VersionPolicyVariant_SetsOneofCase(string text, ModelVersionPolicy.PolicyChoiceOneofCase expected)
    {
        var config = Parse(text);

        Assert.Equal(expected, config.VersionPolicy.PolicyChoiceCase);
        if (expected == ModelVersionPolicy.PolicyChoiceOneofCase.Latest)
        {
            Assert.Equal(2U, config.VersionPolicy.Latest.NumVersions);
        }
        else if (expected == ModelVersionPolicy.PolicyChoiceOneofCase.Specific)
        {
            Assert.Equal([4L, 5L], config.VersionPolicy.Specific.Versions);
        }
    }

    [Fact]
    public void Parse_IntegerSpellings_ReadsDecimalHexOctalAndNegative()
    {
        var config = Parse("""
            max_batch_size: 0x1F
            optimization { graph { level: -010 } gather_kernel_buffer_threshold: 0XfF }
            input { dims: [ 0, -1, 9223372036854775807, -9223372036854775808, -0x10 ] }
            dynamic_batching { max_queue_delay_microseconds: 18446744073709551615 priority_levels: 017 }
            """);

        Assert.Equal(31, config.MaxBatchSize);
        Assert.Equal(-8, config.Optimization.Graph.Level);
        Assert.Equal(255U, config.Optimization.GatherKernelBufferThreshold);
        Assert.Equal([0L, -1L, long.MaxValue, long.MinValue, -16L], config.Input[0].Dims);
        Assert.Equal(ulong.MaxValue, config.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal(15UL, config.DynamicBatching.PriorityLevels);
    }

    [Fact]
    public void Parse_FloatSpellings_ReadsFractionsExponentsSuffixAndSpecialValues()
    {
        var config = Parse("""
            sequence_batching {
              control_input {
                control { fp32_false_true: [ 0, 1.5, -2.5e3, .25, 1f, 2.F, inf, -Infinity, NaN, 0x10 ] }
              }
              direct { minimum_slot_utilization: 1E-2 }
            }
            """);

        var values = config.SequenceBatching.ControlInput[0].Control[0].Fp32FalseTrue;
        Assert.Equal(10, values.Count);
        Assert.Equal([0f, 1.5f, -2500f, 0.25f, 1f, 2f, float.PositiveInfinity, float.NegativeInfinity], values.Take(8));
        Assert.True(float.IsNaN(values[8]));
        Assert.Equal(16f, values[9]);
        Assert.Equal(0.01f, config.SequenceBatching.Direct.MinimumSlotUtilization);
    }

    [Fact]
    public void Parse_DoubleField_ReadsFullPrecision()
    {
        var config = Parse("model_metrics { metric_control { histogram_options { buckets: [ 0.1, 1e300, -1 ] } } }");

        Assert.Equal([0.1, 1e300, -1.0], config.ModelMetrics.MetricControl[0].HistogramOptions.Buckets);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("t", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("f", false)]
    [InlineData("0", false)]
    public void Parse_BoolSpelling_ReadsValue(string spelling, bool expected)
    {
        var config = Parse($"response_cache {{ enable: {spelling} }}");

        Assert.Equal(expected, config.ResponseCache.Enable);
    }

    [Fact]
    public void Parse_StringLiterals_DecodesQuotesEscapesAndConcatenation()
    {
        var config = Parse("""
            name: 'single "quoted"'
            platform: "tab\there\nnewline \\ \" \' \? \a\b\f\v\r"
            backend: "\101\x42\u00e9\U0001F600"
            default_model_filename: "model" '.' "onnx"
            runtime: "first line "
                     # a comment between the parts
                     "second line"
            """);

        Assert.Equal("single \"quoted\"", config.Name);
        Assert.Equal("tab\there\nnewline \\ \" ' ? \a\b\f\v\r", config.Platform);
        Assert.Equal("ABé😀", config.Backend);
        Assert.Equal("model.onnx", config.DefaultModelFilename);
        Assert.Equal("first line second line", config.Runtime);
    }

    [Fact]
    public void Parse_Utf8InLiteralAndAsOctalBytes_DecodesSameString()
    {
        var config = Parse("name: \"modèle\" platform: \"mod\\303\\250le\"");

        Assert.Equal("modèle", config.Name);
        Assert.Equal("modèle", config.Platform);
    }

    [Fact]
    public void Parse_EnumByNumber_ReadsValue()
    {
        var config = Parse("input { data_type: 11 } instance_group { kind: 2 }");

        Assert.Equal(DataType.TypeFp32, config.Input[0].DataType);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, config.InstanceGroup[0].Kind);
    }

    [Fact]
    public void Parse_MessageBlockForms_AcceptsBracesAnglesAndOptionalColon()
    {
        var config = Parse("""
            input { name: "a" }
            input: { name: "b" }
            input < name: "c" >
            input: < name: "d" reshape < shape: 1 > >
            """);

        Assert.Equal(["a", "b", "c", "d"], config.Input.Select(i => i.Name));
        Assert.Equal([1L], config.Input[3].Reshape.Shape);
    }

    [Fact]
    public void Parse_RepeatedFields_AppendsListsAndRepeatedOccurrences()
    {
        var config = Parse("""
            input { dims: 1 dims: [ 2, 3 ] dims: [] dims: 4 }
            input: [ { name: "x" }, < name: "y" > ]
            input [ ]
            input [ { name: "z" } ]
            instance_group { profile: [ "0", '1' ] profile: "2" }
            """);

        Assert.Equal(4, config.Input.Count);
        Assert.Equal([1L, 2L, 3L, 4L], config.Input[0].Dims);
        Assert.Equal(["", "x", "y", "z"], config.Input.Select(i => i.Name));
        Assert.Equal(["0", "1", "2"], config.InstanceGroup[0].Profile);
    }

    [Fact]
    public void Parse_MapFields_AcceptsEntryBlocksListsAndDefaults()
    {
        var config = Parse("""
            parameters { key: "a" value: { string_value: "1" } }
            parameters: [ { key: "b" value { string_value: "2" } }, { value: { string_value: "empty key" } } ]
            parameters < key: 'c' >
            cc_model_filenames { key: "7.5" value: "model_sm75.plan" }
            metric_tags [ ]
            dynamic_batching { priority_queue_policy { key: 18446744073709551615 value { max_queue_size: 1 } } }
            """);

        Assert.Equal(4, config.Parameters.Count);
        Assert.Equal("1", config.Parameters["a"].StringValue);
        Assert.Equal("2", config.Parameters["b"].StringValue);
        Assert.Equal("empty key", config.Parameters[string.Empty].StringValue);
        Assert.Equal(string.Empty, config.Parameters["c"].StringValue);
        Assert.Equal("model_sm75.plan", config.CcModelFilenames["7.5"]);
        Assert.Empty(config.MetricTags);
        Assert.Equal(1U, config.DynamicBatching.PriorityQueuePolicy[ulong.MaxValue].MaxQueueSize);
    }

    [Fact]
    public void Parse_MapKeyGivenTwice_KeepsLastValue()
    {
        var config = Parse("""
            parameters { key: "a" value: { string_value: "first" } }
            parameters { key: "a" value: { string_value: "second" } }
            """);

        Assert.Equal("second", Assert.Single(config.Parameters).Value.StringValue);
    }

    [Fact]
    public void Parse_OneofMembers_SetsTheGivenMember()
    {
        var config = Parse("""
            sequence_batching {
              oldest { max_candidate_sequences: 4 preferred_batch_size: [ 2 ] }
              state { initial_state { name: "s" data_file: "init.bin" } }
            }
            """);

        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.SequenceBatching, config.SchedulingChoiceCase);
        Assert.Equal(ModelSequenceBatching.StrategyChoiceOneofCase.Oldest, config.SequenceBatching.StrategyChoiceCase);
        Assert.Equal(4, config.SequenceBatching.Oldest.MaxCandidateSequences);
        var initial = config.SequenceBatching.State[0].InitialState[0];
        Assert.Equal(ModelSequenceBatching.Types.InitialState.StateDataOneofCase.DataFile, initial.StateDataCase);
        Assert.Equal("init.bin", initial.DataFile);
    }

    [Fact]
    public void Parse_CommentsAndSeparators_AreIgnored()
    {
        var config = Parse("# header\nname: \"m\"; platform: \"p\",  # trailing\r\nmax_batch_size: 4;\ninput { name: \"x\", dims: 1; }, # no newline at end");

        Assert.Equal("m", config.Name);
        Assert.Equal("p", config.Platform);
        Assert.Equal(4, config.MaxBatchSize);
        Assert.Equal([1L], config.Input[0].Dims);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t\n")]
    [InlineData("# only a comment")]
    public void Parse_EmptyText_GivesEmptyConfig(string text)
    {
        Assert.Equal(new ModelConfig(), Parse(text));
    }

    [Fact]
    public void Parse_LeadingByteOrderMark_IsIgnored()
    {
        Assert.Equal("m", Parse("\uFEFFname: \"m\"").Name);
    }

    [Fact]
    public void Parse_NestedMessageType_FillsAnyGeneratedMessage()
    {
        var input = new ModelInput();

        var ok = ProtoTextParser.TryParse("name: \"x\" data_type: TYPE_BOOL dims: [ 2 ]", "input.pbtxt", input, out var error);

        Assert.True(ok, error?.ToString());
        Assert.Equal(new ModelInput { Name = "x", DataType = DataType.TypeBool, Dims = { 2 } }, input);
    }

    [Fact]
    public void ParseModelConfig_ValidText_ReturnsConfig()
    {
        Assert.Equal(4, ProtoTextParser.ParseModelConfig("max_batch_size: 4", "config.pbtxt").MaxBatchSize);
    }
}
