using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;

namespace ChatMonolith.ArchitectureTests;

/// <summary>One module as the rules see it: its implementation types, its contracts types, and the plain types behind both.</summary>
public sealed record ModuleDefinition(
    string Name,
    IObjectProvider<IType> Implementation,
    IObjectProvider<IType> Contracts,
    IReadOnlyList<Type> ImplementationTypes);
