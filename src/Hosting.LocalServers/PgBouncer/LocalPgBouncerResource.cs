namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// PgBouncer in transaction pooling mode in front of a PostgreSQL database, as production deployments often have
/// (PgBouncer, RDS Proxy): sessions are shared between clients one transaction at a time.
/// </summary>
public sealed class LocalPgBouncerResource(string name, string command, string folder, IResourceWithConnectionString database)
    : ExecutableResource(name, command, folder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public IResourceWithConnectionString Database { get; } = database;

    public string Folder { get; } = folder;

    /// <summary>Roles besides the database's owner that may log in through the pooler.</summary>
    internal List<PostgresRoleResource> Logins { get; } = [];

    public ReferenceExpression ConnectionStringExpression => Through(Database);

    /// <summary>
    /// <paramref name="direct"/>'s connection string pointed at the pooler. Npgsql's reset on close (DISCARD ALL)
    /// is pointless behind a transaction pooler.
    /// </summary>
    internal ReferenceExpression Through(IResourceWithConnectionString direct) => ReferenceExpression.Create(
        $"{direct};Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};No Reset On Close=true");
}

/// <summary>A role's connection string through a <see cref="LocalPgBouncerResource"/>.</summary>
public sealed class PgBouncerLoginResource(string name, LocalPgBouncerResource pooler, PostgresRoleResource role)
    : Resource(name), IResourceWithParent<LocalPgBouncerResource>, IResourceWithConnectionString
{
    public LocalPgBouncerResource Parent { get; } = pooler;

    public PostgresRoleResource Role { get; } = role;

    public ReferenceExpression ConnectionStringExpression => Parent.Through(Role);
}
