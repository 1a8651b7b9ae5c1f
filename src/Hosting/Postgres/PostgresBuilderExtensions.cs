namespace Tenancy.Hosting;

public static class PostgresBuilderExtensions
{
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new PostgresServerResource(name));

    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        var database = builder.ApplicationBuilder.AddResource(new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource));
        builder.Resource.Databases.Add(database.Resource);
        return database.WaitFor(builder);
    }

    /// <summary>A login role on the database's server for services that read and write but own nothing (see <see cref="PostgresRoleResource"/>).</summary>
    public static IResourceBuilder<PostgresRoleResource> AddRole(
        this IResourceBuilder<PostgresDatabaseResource> builder, string name, string roleName) =>
        builder.ApplicationBuilder.AddResource(new PostgresRoleResource(name, roleName, builder.Resource)).WaitFor(builder);
}
