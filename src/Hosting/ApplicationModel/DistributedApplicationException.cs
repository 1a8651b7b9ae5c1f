namespace Tenancy.Hosting;

/// <summary>A set-up problem the AppHost reports in one line and exits on.</summary>
public sealed class DistributedApplicationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
