using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime.Tests;

/// <summary>
/// <see cref="OrtDirectRun"/> calls ONNX Runtime's C API through the <c>OrtApi</c> function table by index. The
/// indices are only right for the header they were read from, so this reads <c>onnxruntime_c_api.h</c> from the
/// package of the ONNX Runtime actually loaded and checks each index names the member the code means.
/// </summary>
public sealed partial class OrtApiSlotTests
{
    public static TheoryData<int, string> CalledMembers => new()
    {
        { OrtDirectRun.GetErrorCodeIndex, "GetErrorCode" },
        { OrtDirectRun.GetErrorMessageIndex, "GetErrorMessage" },
        { OrtDirectRun.RunIndex, "Run" },
        { OrtDirectRun.CreateTensorWithDataIndex, "CreateTensorWithDataAsOrtValue" },
        { OrtDirectRun.CreateCpuMemoryInfoIndex, "CreateCpuMemoryInfo" },
        { OrtDirectRun.ReleaseStatusIndex, "ReleaseStatus" },
        { OrtDirectRun.ReleaseValueIndex, "ReleaseValue" },
    };

    [Theory]
    [MemberData(nameof(CalledMembers))]
    public void EachIndexUsed_NamesThatMemberInTheLoadedReleasesHeader(int index, string member)
    {
        var members = OrtApiMembers(File.ReadAllText(HeaderPath()));

        Assert.True(index < members.Count, $"the header's OrtApi has {members.Count} members, fewer than index {index}");
        Assert.Equal(member, members[index]);
    }

    [Fact]
    public void TheHeaderReader_FindsTheWholeTable()
    {
        var members = OrtApiMembers(File.ReadAllText(HeaderPath()));

        // Version 1 of the table alone has 185 members; a reader that lost its place would find far fewer, or
        // names that are not identifiers.
        Assert.True(members.Count > 185, $"found {members.Count} members");
        Assert.All(members, name => Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", name));
        Assert.Equal(members.Count, members.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["CreateStatus", "GetErrorCode", "GetErrorMessage", "CreateEnv"], members.Take(4));
    }

    private static string HeaderPath()
    {
        var root = typeof(OrtApiSlotTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value;
        Assert.False(string.IsNullOrEmpty(root), "the test project was built without a NuGet package root");
        var version = OrtEnv.Instance().GetVersionString();
        var path = Path.Combine(root!, "microsoft.ml.onnxruntime", version, "build", "native", "include", "onnxruntime_c_api.h");
        Assert.True(File.Exists(path), $"no C API header for the loaded ONNX Runtime {version} at {path}");
        return path;
    }

    /// <summary>The member names of <c>struct OrtApi</c>, in declaration order (the table's indices).</summary>
    private static List<string> OrtApiMembers(string header)
    {
        var start = header.IndexOf("\nstruct OrtApi {", StringComparison.Ordinal);
        Assert.True(start >= 0, "no 'struct OrtApi {' in the header");
        var body = WithoutComments(header[(start + "\nstruct OrtApi {".Length)..]);

        var members = new List<string>();
        var declaration = new StringBuilder();
        var depth = 0;
        foreach (var c in body)
        {
            if (depth == 0 && c == '}')
            {
                break;
            }

            depth += c switch { '(' or '{' => 1, ')' or '}' => -1, _ => 0 };
            if (c == ';' && depth == 0)
            {
                members.Add(MemberName(declaration.ToString()));
                declaration.Clear();
                continue;
            }

            declaration.Append(c);
        }

        return members;
    }

    private static string MemberName(string declaration)
    {
        var text = declaration.Trim();
        if (StatusMember().Match(text) is { Success: true } status)
        {
            return status.Groups[1].Value;
        }

        if (ReleaseMember().Match(text) is { Success: true } release)
        {
            return "Release" + release.Groups[1].Value;
        }

        if (TypedMember().Match(text) is { Success: true } typed)
        {
            return typed.Groups[1].Value;
        }

        var pointer = FunctionPointer().Match(text);
        Assert.True(pointer.Success, $"an OrtApi member the reader does not understand: {text}");
        return pointer.Groups[1].Value;
    }

    private static string WithoutComments(string text) => BlockComment().Replace(LineComment().Replace(text, ""), " ");

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"^ORT_API2_STATUS\(\s*(\w+)")]
    private static partial Regex StatusMember();

    [GeneratedRegex(@"^ORT_CLASS_RELEASE\(\s*(\w+)\s*\)")]
    private static partial Regex ReleaseMember();

    [GeneratedRegex(@"^ORT_API_T\([^,]+,\s*(\w+)")]
    private static partial Regex TypedMember();

    [GeneratedRegex(@"\(\s*ORT_API_CALL\s*\*\s*(\w+)\s*\)")]
    private static partial Regex FunctionPointer();
}
