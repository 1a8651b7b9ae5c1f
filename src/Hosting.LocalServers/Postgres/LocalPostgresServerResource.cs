namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server run from the machine's binaries (no container), its cluster in <see cref="ClusterFolder"/>:
/// kept between runs for development, thrown away for tests.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string clusterFolder, ParameterResource password)
    : ExecutableResource(name, command, clusterFolder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string SuperUser = "postgres";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The folder of the cluster: <c>data/</c> inside it is PostgreSQL's data directory.</summary>
    public string ClusterFolder { get; } = clusterFolder;

    public string DataFolder => Path.Combine(ClusterFolder, "data");

    internal List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={SuperUser};Password={PasswordParameter}");
}
