namespace ChatMonolith.Modules.Identity.Contracts;

/// <summary>What kind of client a device is; push notifications depend on it.</summary>
public enum DevicePlatform
{
    /// <summary>Not said.</summary>
    Unspecified = 0,

    /// <summary>An Android app (push through FCM).</summary>
    Android = 1,

    /// <summary>An iOS app (push through FCM's APNs bridge).</summary>
    Ios = 2,

    /// <summary>A browser (push through Web Push).</summary>
    Web = 3,

    /// <summary>A desktop app.</summary>
    Desktop = 4,
}
