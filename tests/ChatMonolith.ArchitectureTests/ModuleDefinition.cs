using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;

namespace ChatMonolith.ArchitectureTests;

/// <summary>
/// One module as the rules see it: its implementation types, its contracts types, the plain types behind the
/// implementation, and the wire types compiled from proto/ into either (namespaces <c>…Protos.&lt;Area&gt;.V1</c>).
/// </summary>
public sealed record ModuleDefinition(
    string Name,
    IObjectProvider<IType> Implementation,
    IObjectProvider<IType> Contracts,
    IReadOnlyList<Type> ImplementationTypes,
    IReadOnlyList<Type> CompiledProtoTypes)
{
    /// <summary>The proto area the module owns: <c>Messaging</c> for ChatMonolith.Modules.Messaging.</summary>
    public string Area => Name[(Name.LastIndexOf('.') + 1)..];
}
