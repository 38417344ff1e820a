namespace SecureLambda.Deploy.Cli;

/// <summary>A terminal a person answers at; null when standard input is redirected (CI, a pipe, a test).</summary>
public interface ITerminal
{
    Task<string?> ReadLineAsync(CancellationToken cancellationToken);
}

public sealed class ConsoleTerminal : ITerminal
{
    /// <summary>The console when a person can answer it: standard input is not redirected.</summary>
    public static ITerminal? IfInteractive() => Console.IsInputRedirected ? null : new ConsoleTerminal();

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) => await Console.In.ReadLineAsync(cancellationToken);
}

/// <summary>
/// Asks before a step that destroys or replaces something: at a terminal the person answers; without one, only
/// <c>--yes</c> lets it through. Either refusal stops the tool with <see cref="ExitCodes.ConsentRequired"/>.
/// </summary>
public sealed class Consent(TextWriter output, ITerminal? terminal, bool assumeYes)
{
    /// <summary>What follows each question at the terminal: no is the default.</summary>
    public const string AnswerHint = "[y/N]";

    /// <exception cref="DeployException">Declined, or no terminal and no <c>--yes</c>; the message says what was left undone.</exception>
    public async Task RequireAsync(string question, string whatIsLeft, CancellationToken cancellationToken)
    {
        if (assumeYes)
        {
            await output.WriteLineAsync($"{question} --yes: going ahead.");
            return;
        }

        if (terminal is null)
        {
            throw new DeployException($"{question} No terminal to ask at: run again with --yes to go ahead. {whatIsLeft}", ExitCodes.ConsentRequired);
        }

        await output.WriteAsync($"{question} {AnswerHint} ");
        var answer = (await terminal.ReadLineAsync(cancellationToken))?.Trim();
        if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
        {
            throw new DeployException($"Declined. {whatIsLeft}", ExitCodes.ConsentRequired);
        }
    }
}
