namespace ChatMonolith.BuildingBlocks.Errors;

/// <summary>One invalid field of a request: its proto field path and what is wrong with it.</summary>
public sealed record FieldViolation(string Field, string Description);
