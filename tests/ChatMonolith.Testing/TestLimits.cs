namespace ChatMonolith.Testing;

/// <summary>
/// The limits per user and address, raised far above production's for every test host: tests register, log in and
/// send in bursts from one address. A limit's own tests set it low again.
/// </summary>
public static class TestLimits
{
    public static readonly IReadOnlyDictionary<string, string> Raised = new Dictionary<string, string>
    {
        ["Messaging:SendsPerUser"] = "1000000",
        ["Messaging:GroupCreationsPerUser"] = "1000000",
        ["Identity:RegistrationsPerAddress"] = "1000000",
        ["Identity:LoginAttemptsPerAddress"] = "1000000",
        ["Identity:FailedLoginsPerAccount"] = "1000000",
    };
}
