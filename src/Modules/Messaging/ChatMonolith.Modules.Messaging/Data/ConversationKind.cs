namespace ChatMonolith.Modules.Messaging.Data;

internal enum ConversationKind : short
{
    Direct = 1,
    Group = 2,
}
