using System.Text;
using Microsoft.Extensions.Logging;

namespace SecureLambda.AppHost.Deployment;

/// <summary>
/// The deploy tool's standard output or error, as lines of the pipeline step's log: the step context's logger goes both
/// to the step (what <c>aspire deploy</c> prints under it, https://aspire.dev/deployment/pipelines/) and to the AppHost's
/// own log (what a run without the CLI prints). The tool writes whole lines, except a consent question,
/// which it leaves unfinished for the answer as a terminal shows it; <see cref="TakePendingLine"/> hands that question to
/// whoever asks it.
/// </summary>
internal sealed partial class StepOutput(ILogger log, LogLevel level) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Every complete line so far, in order.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                EmitLine();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var character in value ?? "")
        {
            Write(character);
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync()
    {
        Write('\n');
        return Task.CompletedTask;
    }

    /// <summary>The unfinished line (a question waiting for its answer), taken off the output.</summary>
    public string TakePendingLine()
    {
        lock (_lock)
        {
            var pending = _line.ToString();
            _line.Clear();
            return pending;
        }
    }

    /// <summary>An unfinished line is still worth showing when the tool ends.</summary>
    public override void Flush()
    {
        lock (_lock)
        {
            if (_line.Length > 0)
            {
                EmitLine();
            }
        }
    }

    private void EmitLine()
    {
        var line = _line.ToString();
        _line.Clear();
        _lines.Add(line);
        // The tool's own warnings start with WARNING: (termination protection not turned on, for one).
        Line(log, line.StartsWith("WARNING:", StringComparison.Ordinal) ? LogLevel.Warning : level, line);
    }

    [LoggerMessage("{Line}")]
    private static partial void Line(ILogger log, LogLevel level, string line);
}
