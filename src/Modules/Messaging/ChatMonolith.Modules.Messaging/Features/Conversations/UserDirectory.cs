using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Identity.Contracts;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

internal static class UserDirectory
{
    /// <summary>Asks Identity, through Wolverine, whether every user exists; NOT_FOUND names the first that does not.</summary>
    public static async Task RequireExistAsync(IMessageBus bus, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return;
        }

        var existing = await bus.InvokeAsync<ExistingUsers>(new FindExistingUsers(userIds), cancellationToken);
        var missing = userIds.Except(existing.UserIds).FirstOrDefault();
        if (missing != Guid.Empty)
        {
            throw ChatException.NotFound("USER_NOT_FOUND", $"There is no user {missing}.");
        }
    }
}
