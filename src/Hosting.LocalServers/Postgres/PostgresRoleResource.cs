namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A login role on a PostgreSQL database's server for services that must not own the tables: no superuser, no
/// BYPASSRLS, no CREATEDB or CREATEROLE. What it may touch is granted by the application's own migrations. Its
/// password is new at every start, known only to the AppHost and the services it hands the connection string to.
/// </summary>
public sealed class PostgresRoleResource(
    string name, string roleName, IResourceWithConnectionString database, EndpointReference server, string databaseName, ParameterResource password)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString
{
    public string RoleName { get; } = roleName;

    public IResourceWithConnectionString Parent { get; } = database;

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Set once the role exists with the current password.</summary>
    internal bool IsCreated { get; set; }

    // Built from the server's endpoint rather than the database's connection string, which holds the owner's password.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={server.Property(EndpointProperty.IPV4Host)};Port={server.Property(EndpointProperty.Port)};Username={RoleName};Password={PasswordParameter};Database={databaseName}");
}
