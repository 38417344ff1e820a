using SecureLambda.Testing;

namespace SecureLambda.Aws.Tests.Support;

/// <summary>Starts one moto_server for every test class in the collection.</summary>
[CollectionDefinition(Name)]
public sealed class MotoServerCollectionDefinition : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}
