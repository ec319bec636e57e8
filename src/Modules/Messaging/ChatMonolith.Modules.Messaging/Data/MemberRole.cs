namespace ChatMonolith.Modules.Messaging.Data;

internal enum MemberRole : short
{
    Member = 1,
    Admin = 2,
}
