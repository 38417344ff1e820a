using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Faults;

namespace SecureLambda.LocalCloud.Tests.Faults;

/// <summary>Which rule fires: service, operation and function matched, probabilities rolled in order, first wins.</summary>
public sealed class FaultMatchingTests
{
    private static readonly FaultError Throttling = new(400, "ThrottlingException", "Rate exceeded");
    private static readonly LambdaFunctionDefinition Internal =
        new("InternalLambda", "secure-lambda-InternalLambda", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-InternalLambda", TimeSpan.FromSeconds(5));

    private static double Half() => 0.5;

    [Theory]
    [InlineData("secretsmanager", "GetSecretValue", true)]
    [InlineData("secretsmanager", "DescribeSecret", false)]
    [InlineData("sns", "GetSecretValue", false)]
    [InlineData("secretsmanager", null, false)]
    public void ARuleWithAnOperation_MatchesThatOperationOfThatServiceOnly(string service, string? operation, bool fires)
    {
        var rule = new FaultRule("secretsmanager", "GetSecretValue", null, Throttling, 1, 0);

        Assert.Equal(fires ? rule : null, FaultMatching.PickForCall([rule], service, operation, Half));
    }

    [Fact]
    public void ARuleWithoutAnOperation_MatchesEveryOperationOfItsService_EvenOneLocalCloudCannotName()
    {
        var rule = new FaultRule("s3", null, null, Throttling, 1, 0);

        Assert.Same(rule, FaultMatching.PickForCall([rule], "s3", null, Half));
        Assert.Same(rule, FaultMatching.PickForCall([rule], "s3", "PutObject", Half));
    }

    [Theory]
    [InlineData(0.5, 0.4, false)]
    [InlineData(0.5, 0.6, true)]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.999999, 1.0, true)]
    public void TheProbability_FiresWhenTheRollIsBelowIt(double roll, double probability, bool fires)
    {
        var rule = new FaultRule("sns", "Publish", null, Throttling, probability, 0);

        Assert.Equal(fires, FaultMatching.PickForCall([rule], "sns", "Publish", () => roll) is not null);
    }

    [Fact]
    public void TheFirstMatchingRuleThatFires_Wins_EachRollingInTurn()
    {
        var never = new FaultRule("sns", "Publish", null, Throttling, 0, 0);
        var other = new FaultRule("sqs", null, null, Throttling, 1, 0);
        var first = new FaultRule("sns", null, null, null, 1, 100);
        var second = new FaultRule("sns", "Publish", null, Throttling, 1, 0);
        var rolls = 0;

        var picked = FaultMatching.PickForCall([never, other, first, second], "sns", "Publish", () =>
        {
            rolls++;
            return 0.5;
        });

        Assert.Same(first, picked);
        Assert.Equal(2, rolls);
    }

    [Fact]
    public void LambdaRules_ApplyToInvocations_NotToCallsOnTheEndpoint()
    {
        var rule = new FaultRule("lambda", null, null, Throttling, 1, 0);

        Assert.Null(FaultMatching.PickForCall([rule], "lambda", "ListFunctions", Half));
        Assert.Same(rule, FaultMatching.PickForInvocation([rule], Internal, Half));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("InternalLambda", true)]
    [InlineData("secure-lambda-InternalLambda", true)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-InternalLambda", true)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-InternalLambda:$LATEST", true)]
    [InlineData("ExternalLambda1", false)]
    [InlineData("internallambda", false)]
    public void ALambdaRulesFunction_IsTheLogicalIdNameOrArn(string? function, bool fires)
    {
        var rule = new FaultRule("lambda", "Invoke", function, new FaultError(null, "Crash", "crashed"), 1, 0);

        Assert.Equal(fires, FaultMatching.PickForInvocation([rule], Internal, Half) is not null);
    }

    [Fact]
    public void ARuleOfAnotherService_NeverMatchesAnInvocation() =>
        Assert.Null(FaultMatching.PickForInvocation([new FaultRule("sns", null, null, Throttling, 1, 0)], Internal, Half));

    [Fact]
    public void TheStore_SwapsWholeSnapshots_AndRefusesAnAppendPastTheMost()
    {
        var store = new FaultRules();
        var rule = new FaultRule("sns", null, null, null, 1, 10);
        var before = store.Replace([rule]);

        var appended = store.TryAppend([rule with { Service = "sqs" }]);
        var tooMany = store.TryAppend(Enumerable.Repeat(rule, FaultRuleParser.MaxRules - 1));

        Assert.Single(before);
        Assert.Equal(["sns", "sqs"], appended!.Select(r => r.Service));
        Assert.Null(tooMany);
        Assert.Equal(2, store.Current.Count);
        store.Clear();
        Assert.Empty(store.Current);
        Assert.Single(before);
    }
}
