using SecureLambda.Aws.Lambda;

namespace SecureLambda.Aws.Tests.Lambda;

public sealed class ExecutionEnvironmentOutputTests
{
    [Theory]
    [InlineData(false, "[InternalLambda environment 2] {\"level\":\"INFO\",\"message\":\"Hello [Ada]\"}")]
    [InlineData(true, "[InternalLambda environment 2 stderr] {\"level\":\"INFO\",\"message\":\"Hello [Ada]\"}")]
    public void ALine_IsWrittenAndReadBack_WithWhereItCameFrom(bool isError, string written)
    {
        var output = new ExecutionEnvironmentOutput("InternalLambda", 2, isError, "{\"level\":\"INFO\",\"message\":\"Hello [Ada]\"}");

        Assert.Equal(written, output.ToString());
        Assert.Equal(output, ExecutionEnvironmentOutput.TryParse(written));
    }

    [Fact]
    public void ALine_IsRead_AfterTheTimestampALogCollectorPutsBeforeIt()
    {
        var read = ExecutionEnvironmentOutput.TryParse("2026-12-04T19:36:06.5440000Z [ExternalLambda1 environment 12] started");

        Assert.Equal(new ExecutionEnvironmentOutput("ExternalLambda1", 12, false, "started"), read);
    }

    [Theory]
    [InlineData("info: SecureLambda.LocalCloud.Lambda.ExecutionEnvironments[0]")]
    [InlineData("      Started execution environment 2 of secure-lambda-InternalLambda (process 123)")]
    [InlineData("2026-12-04T19:36:06Z       Stack [secure-lambda environment 2] is served")]
    [InlineData("[1,2,3] a JSON array")]
    [InlineData("[InternalLambda environment two] words")]
    [InlineData("[InternalLambda environment -2] a sign")]
    [InlineData("[Internal-Lambda environment 2] not a logical id")]
    [InlineData("[InternalLambda environment 2]no space")]
    [InlineData("[ environment 2] no logical id")]
    [InlineData("")]
    public void AnyOtherLine_IsNotAnEnvironmentsOutput(string line)
    {
        Assert.Null(ExecutionEnvironmentOutput.TryParse(line));
    }
}
