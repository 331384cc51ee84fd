using InferenceServer.LoadTool.Replay;

namespace InferenceServer.LoadTool.Tests.Replay;

public class ReplayTests
{
    [Fact]
    public void ReplaySchedule_RecordedGapsDividedBySpeed_ThenNothingForADay()
    {
        var schedule = new ReplaySchedule([1_000_000, 1_000_000, 1_500_000, 3_500_000], speed: 2);

        var gaps = Enumerable.Range(0, 5).Select(_ => schedule.NextGapSeconds()).ToArray();

        Assert.Equal([0, 0, 0.25, 1.0, 86_400], gaps);
    }

    [Fact]
    public void CaptureFile_Read_InputsAsCapturedAndHashedOnesAsZerosOfTheirSize()
    {
        var path = Write("""
            {"format":"inference-server-capture","version":1,"model":"simple","sample_rate":1,"dropped_inputs":[],"hashed_inputs":["B"],"started_utc":"2026-12-07T21:00:00Z"}
            {"offset_us":0,"model":"simple","version":"1","inputs":[{"name":"A","datatype":"INT32","shape":[1,2],"data":"AQAAAAIAAAA="},{"name":"B","datatype":"FP32","shape":[1,2],"sha256":"00","byte_size":8}]}
            {"offset_us":250,"model":"simple","version":"1","inputs":[{"name":"S","datatype":"BYTES","shape":[3],"sha256":"00","byte_size":20}]}
            """);
        try
        {
            var capture = CaptureFile.Read(path);

            Assert.Equal("simple", capture.Model);
            Assert.Equal([0L, 250L], capture.Requests.Select(r => r.OffsetMicroseconds));
            var a = capture.Requests[0].Inputs[0];
            Assert.Equal(("A", "INT32"), (a.Name, a.DataType));
            Assert.Equal([1L, 2L], a.Shape);
            Assert.Equal([1, 0, 0, 0, 2, 0, 0, 0], a.Raw);
            Assert.Equal(new byte[8], capture.Requests[0].Inputs[1].Raw);
            Assert.Equal(new byte[12], capture.Requests[1].Inputs[0].Raw);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"format":"something-else","version":1,"model":"m"}""", ":1: not a version 1 inference-server-capture file")]
    [InlineData("{\"format\":\"inference-server-capture\",\"version\":1,\"model\":\"m\"}\n{\"offset_us\":\"soon\"}", ":2: $.offset_us: ")]
    public void CaptureFile_Read_FaultNamesTheLine(string text, string expected)
    {
        var path = Write(text);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => CaptureFile.Read(path));

            Assert.Contains(Path.GetFileName(path) + expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Write(string text)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, text);
        return path;
    }
}
