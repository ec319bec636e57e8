using System.CommandLine;
using ChatMonolith.Client;
using Spectre.Console;

namespace ChatMonolith.Cli.Commands;

/// <summary>register, login, logout, devices.</summary>
internal static class AccountCommands
{
    public static void AddTo(RootCommand root)
    {
        var username = new Argument<string>("username") { Description = "3 to 32 of a-z, 0-9, _ and ." };
        var password = new Option<string>("--password") { Description = "The password (else asked for, or read from stdin)" };
        var displayName = new Option<string>("--display-name") { Description = "The name others see" };

        var register = new Command("register", "Create an account") { username, password, displayName };
        register.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            var userId = await ChatClient.RegisterAsync(cli.Options(), parse.GetValue(username)!, Cli.Password(parse.GetValue(password)), parse.GetValue(displayName), cancellationToken);
            cli.Print(new { user_id = userId, username = parse.GetValue(username) }, r => AnsiConsole.MarkupLineInterpolated($"Registered [bold]{r.username}[/]. Now: chat login {r.username}"));
            return 0;
        });

        var login = new Command("login", "Sign this machine in as a device of yours; the session is kept in your config folder") { username, password };
        login.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await ChatClient.LoginAsync(cli.Options(), parse.GetValue(username)!, Cli.Password(parse.GetValue(password)), cancellationToken);
            cli.Print(new { user_id = client.UserId, device_id = client.DeviceId, session_folder = cli.StateFolder }, r => AnsiConsole.MarkupLineInterpolated($"Logged in as [bold]{parse.GetValue(username)}[/] (device {r.device_id})."));
            return 0;
        });

        var logout = new Command("logout", "Sign this device out and forget its session");
        logout.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            await client.LogoutAsync(cancellationToken);
            cli.Print(new { logged_out = true }, _ => AnsiConsole.MarkupLine("Logged out."));
            return 0;
        });

        var deviceId = new Argument<string>("device-id");
        var revoke = new Command("revoke", "Sign one of your devices out") { deviceId };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            await client.RevokeDeviceAsync(parse.GetValue(deviceId)!, cancellationToken);
            cli.Print(new { revoked = parse.GetValue(deviceId) }, r => AnsiConsole.MarkupLineInterpolated($"Device {r.revoked} is signed out."));
            return 0;
        });

        var devices = new Command("devices", "List your devices") { revoke };
        devices.SetAction(async (parse, cancellationToken) =>
        {
            var cli = new Cli(parse);
            await using var client = await cli.ResumeAsync(cancellationToken);
            var list = await client.ListDevicesAsync(cancellationToken);
            cli.Print(list, items =>
            {
                var table = new Table().AddColumns("Device", "Name", "Platform", "Last active", "");
                foreach (var d in items)
                {
                    table.AddRow(
                        Markup.Escape(d.DeviceId),
                        Markup.Escape(d.Name),
                        d.Platform.ToString(),
                        d.LastActiveAt?.LocalDateTime.ToString("g", System.Globalization.CultureInfo.CurrentCulture) ?? "",
                        d.IsCurrent ? "[green]this one[/]" : d.RevokedAt is null ? "" : "[grey]signed out[/]");
                }

                AnsiConsole.Write(table);
            });
            return 0;
        });

        root.Subcommands.Add(register);
        root.Subcommands.Add(login);
        root.Subcommands.Add(logout);
        root.Subcommands.Add(devices);
    }
}
