using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Identity.Features.Devices;
using ChatMonolith.Modules.Identity.Features.Login;
using ChatMonolith.Modules.Identity.Features.Profiles;
using ChatMonolith.Modules.Identity.Features.Refresh;
using ChatMonolith.Modules.Identity.Features.Register;
using ChatMonolith.Protos.Identity.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using IdentityServiceBase = ChatMonolith.Protos.Identity.V1.IdentityService.IdentityServiceBase;

namespace ChatMonolith.Modules.Identity.Grpc;

internal sealed class IdentityGrpcService(IMessageBus bus) : IdentityServiceBase
{
    [AllowAnonymous]
    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        var registration = await bus.InvokeAsync<UserRegistration>(
            new RegisterUser(request.Username, request.DisplayName, new Secret(request.Password), context.SourceAddress()), context.CancellationToken);
        return new RegisterResponse { UserId = registration.UserId.ToString(), Username = registration.Username };
    }

    [AllowAnonymous]
    public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
    {
        var login = await bus.InvokeAsync<DeviceLogin>(
            new LoginDevice(request.Username, new Secret(request.Password), request.DeviceName, (DevicePlatform)request.Platform, context.SourceAddress()),
            context.CancellationToken);
        return new LoginResponse
        {
            UserId = login.UserId.ToString(),
            DeviceId = login.DeviceId.ToString(),
            Tokens = IdentityProtoMapping.ToProto(login.Tokens),
        };
    }

    [AllowAnonymous]
    public override async Task<RefreshResponse> Refresh(RefreshRequest request, ServerCallContext context)
    {
        var refresh = await bus.InvokeAsync<SessionRefresh>(new RefreshSession(new Secret(request.RefreshToken)), context.CancellationToken);
        if (refresh.Tokens is null)
        {
            throw ChatException.Unauthenticated(refresh.FailureReason!, "The refresh token was refused: " + refresh.FailureReason + ".");
        }

        return new RefreshResponse { Tokens = IdentityProtoMapping.ToProto(refresh.Tokens) };
    }

    public override async Task<LogoutResponse> Logout(LogoutRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        await bus.InvokeAsync(new RevokeDevice(caller, caller.DeviceId), context.CancellationToken);
        return new LogoutResponse();
    }

    public override async Task<ListDevicesResponse> ListDevices(ListDevicesRequest request, ServerCallContext context)
    {
        var devices = await bus.InvokeAsync<IReadOnlyList<DeviceView>>(new ListDevices(context.GetCaller()), context.CancellationToken);
        var response = new ListDevicesResponse();
        response.Devices.AddRange(devices.Select(IdentityProtoMapping.ToProto));
        return response;
    }

    public override async Task<RevokeDeviceResponse> RevokeDevice(RevokeDeviceRequest request, ServerCallContext context)
    {
        var deviceId = Validator.Parse(v => v.Uuid(request.DeviceId, "device_id"));
        await bus.InvokeAsync(new RevokeDevice(context.GetCaller(), deviceId), context.CancellationToken);
        return new RevokeDeviceResponse();
    }

    public override async Task<GetProfileResponse> GetProfile(GetProfileRequest request, ServerCallContext context)
    {
        var userId = Validator.Parse(v => v.Uuid(request.UserId, "user_id"));
        var profile = await bus.InvokeAsync<ProfileView>(new GetProfile(userId), context.CancellationToken);
        return new GetProfileResponse { Profile = IdentityProtoMapping.ToProto(profile) };
    }

    public override async Task<SearchUsersResponse> SearchUsers(SearchUsersRequest request, ServerCallContext context)
    {
        var page = await bus.InvokeAsync<ProfilePage>(
            new SearchUsers(request.Prefix, request.PageSize, request.Cursor), context.CancellationToken);
        var response = new SearchUsersResponse { NextCursor = page.NextCursor };
        response.Users.AddRange(page.Users.Select(IdentityProtoMapping.ToProto));
        return response;
    }
}
