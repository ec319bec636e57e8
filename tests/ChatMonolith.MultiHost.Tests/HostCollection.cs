namespace ChatMonolith.MultiHost.Tests;

/// <summary>
/// Every class here runs its own cluster of host processes; one cluster at a time, so that two cores are not shared by
/// a dozen hosts and their timings stay those of the test, not of the machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostCollection
{
    public const string Name = "host processes";
}
