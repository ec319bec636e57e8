namespace ChatMonolith.Bench;

/// <summary>What a scenario prints as a table, writes as JSON, and whether its correctness counters are all zero.</summary>
internal sealed record ScenarioReport(IReadOnlyList<string> Lines, object Figures, bool Correct);
