namespace Tenancy.AppHost;

internal static class ServiceResourceExtensions
{
    /// <summary>The database's owner connection (DDL, registry) and, where there is one, the application role's (tenant data).</summary>
    public static IResourceBuilder<ProjectResource> WithDatabase(this IResourceBuilder<ProjectResource> service, TenancyServers servers)
    {
        service.WithReference(servers.Database).WaitFor(servers.Database);
        if (servers.ApplicationRole is { } role)
        {
            service.WithReference(role).WaitFor(role);
        }

        return service;
    }

    /// <summary>
    /// The first platform admin, when the AppHost's own configuration names one (<c>Tenancy:Admin:Email</c>,
    /// <c>Tenancy:Admin:Password</c>); otherwise the Api generates one at its first start and prints it once.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlatformAdmin(this IResourceBuilder<ProjectResource> api)
    {
        var configuration = api.ApplicationBuilder.Configuration;
        // DCP hands every process it starts the AppHost's own environment: read from there (as `export
        // Tenancy__Admin__Password=…` puts it), the admin's settings would reach the Worker and the servers too. The
        // configuration keeps them; the environment DCP inherits does not.
        foreach (var variable in (string[])["Tenancy__Admin__Email", "Tenancy__Admin__Password"])
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        if (configuration["Tenancy:Admin:Email"] is { Length: > 0 } email)
        {
            api.WithEnvironment("Tenancy__Admin__Email", email);
        }

        if (configuration["Tenancy:Admin:Password"] is { Length: > 0 } password)
        {
            // A secret parameter: masked in the dashboard.
            var parameter = api.ApplicationBuilder.AddParameter("admin-password", password, secret: true);
            api.WithEnvironment("Tenancy__Admin__Password", parameter);
        }

        return api;
    }

    /// <summary>
    /// A service with no https endpoint needs no development certificate; without this Aspire looks for a trusted one
    /// at every start and warns (console and dashboard) on machines that have none.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithCertificateOnlyForHttps(this IResourceBuilder<ProjectResource> service) =>
        service.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.UriScheme == "https") ? service : service.WithoutHttpsCertificate();
}
