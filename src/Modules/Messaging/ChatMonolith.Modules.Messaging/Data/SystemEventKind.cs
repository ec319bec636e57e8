namespace ChatMonolith.Modules.Messaging.Data;

internal enum SystemEventKind : short
{
    ConversationCreated = 1,
    MembersAdded = 2,
    MemberRemoved = 3,
    MemberLeft = 4,
    GroupRenamed = 5,
    MemberPromoted = 6,
    MemberDemoted = 7,
}
