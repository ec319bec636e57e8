using System.Collections.Concurrent;

namespace ChatMonolith.Modules.Notifications.Tests.Fakes;

/// <summary>Statuses a fake answers instead of accepting, per target, in turn: what a test scripts with a fake's <c>AnswerNext</c>.</summary>
public sealed class ScriptedAnswers
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _answers = new();

    public void Enqueue(string target, int[] statuses)
    {
        var answers = _answers.GetOrAdd(target, _ => new());
        foreach (var status in statuses)
        {
            answers.Enqueue(status);
        }
    }

    /// <summary>The next scripted status for <paramref name="target"/>, if one is left.</summary>
    public bool TryNext(string target, out int status)
    {
        status = 0;
        return _answers.TryGetValue(target, out var answers) && answers.TryDequeue(out status);
    }
}
