namespace Aspire.Hosting.ApplicationModel;

/// <summary>A redis-server from the machine (no container) with a password; a cache, so nothing is persisted.</summary>
public sealed class LocalRedisResource(string name, string command, string folder, ParameterResource password)
    : ExecutableResource(name, command, folder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Holds the configuration file; the password is in it rather than on the command line, which anyone may read.</summary>
    public string Folder { get; } = folder;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}
