#pragma warning disable ASPIREINTERACTION001

using SecureLambda.Deploy.Cli;

namespace SecureLambda.AppHost.Deployment;

/// <summary>
/// The deploy tool's consent terminal, answered through Aspire's interaction service: the question the tool wrote (and
/// left unfinished for the answer) becomes a yes/no input that <c>aspire deploy</c> asks at its own prompt, or the
/// dashboard in a dialog. The rule stays the tool's (<see cref="Consent"/>): only a yes executes; a no, a closed prompt or
/// an empty answer declines, and the change set is kept for review.
/// </summary>
/// <remarks>
/// A boolean input rather than <c>PromptConfirmationAsync</c>: the CLI forwards input and notification interactions to
/// its prompt during a pipeline, and a message box would wait for an answer that never comes (the pipeline activity
/// reporter, src/Aspire.Hosting/Pipelines/PipelineActivityReporter.cs in dotnet/aspire).
/// </remarks>
internal sealed class InteractionTerminal(IInteractionService interaction, StepOutput output) : ITerminal
{
    public const string Title = "SecureLambda: consent needed";

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var question = output.TakePendingLine().Trim();
        if (question.EndsWith(Consent.AnswerHint, StringComparison.Ordinal))
        {
            question = question[..^Consent.AnswerHint.Length].TrimEnd();
        }

        var input = new InteractionInput
        {
            Name = "consent",
            Label = "Go ahead?",
            InputType = InputType.Boolean,
            Required = false,
            Value = "false",
        };
        var result = await interaction.PromptInputAsync(Title, question, input, cancellationToken: cancellationToken);
        var yes = !result.Canceled && bool.TryParse(result.Data?.Value, out var value) && value;
        await output.WriteLineAsync($"{question} {(yes ? "Yes" : "No")} (answered at the Aspire prompt).");
        return yes ? "y" : "n";
    }
}
