using SecureLambda.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// The AWS service plane: moto by default, or Engine=Container|LocalStack, or an engine already running at Engine:Url.
var aws = builder.AddAwsEngine(ResourceNames.Engine);

// The stack from its one template, as AWS would run it: LocalCloud provisions it into the engine and serves the API,
// the Lambda APIs and the web ACL; the dashboard shows every template resource under the stack; one dev user per
// user pool; each AWS::Lambda::Function runs as processes of the binary that is deployed. `aspire deploy` deploys the
// same template to AWS through SecureLambda.Deploy.
builder.AddLocalCloudStack(ResourceNames.Stack, "../cloudformation/secure-lambda.yaml")
    .WithReference(aws)
    .WithDevUsers()
    .WithFunctionsFrom<Projects.SecureLambda_Functions>()
    .WithAwsDeployment();

builder.Build().Run();
