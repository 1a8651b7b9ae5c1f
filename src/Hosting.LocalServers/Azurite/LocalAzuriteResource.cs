namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The Azurite blob emulator from the machine (npm's <c>azurite</c>, no container) with one account whose key is a
/// generated secret; its blobs live in <see cref="DataFolder"/>.
/// </summary>
public sealed class LocalAzuriteResource(string name, string command, string folder, ParameterResource accountKey)
    : ExecutableResource(name, command, folder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "blob";

    /// <summary>The one storage account; path-style URLs carry it (<c>http://host:port/{account}/{container}</c>).</summary>
    public const string AccountName = "tenancy";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource AccountKeyParameter { get; } = accountKey;

    /// <summary>Holds the accounts file (the key stays off the command line, which anyone may read) and the data.</summary>
    public string Folder { get; } = folder;

    public string DataFolder => Path.Combine(Folder, "data");

    public ReferenceExpression ConnectionStringExpression => AzuriteConnectionString.Create(
        PrimaryEndpoint.Property(EndpointProperty.IPV4Host), PrimaryEndpoint.Property(EndpointProperty.Port), AccountKeyParameter);
}

/// <summary>The Azurite blob emulator as a container (<c>AppHost:Containers</c>), with the same account and key.</summary>
public sealed class AzuriteContainerResource(string name, ParameterResource accountKey)
    : ContainerResource(name), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "blob";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource AccountKeyParameter { get; } = accountKey;

    public ReferenceExpression ConnectionStringExpression => AzuriteConnectionString.Create(
        PrimaryEndpoint.Property(EndpointProperty.Host), PrimaryEndpoint.Property(EndpointProperty.Port), AccountKeyParameter);
}

internal static class AzuriteConnectionString
{
    /// <summary>A storage connection string to the emulator's blob service alone (path-style endpoint).</summary>
    public static ReferenceExpression Create(EndpointReferenceExpression host, EndpointReferenceExpression port, ParameterResource key) =>
        ReferenceExpression.Create(
            $"DefaultEndpointsProtocol=http;AccountName={LocalAzuriteResource.AccountName};AccountKey={key};BlobEndpoint=http://{host}:{port}/{LocalAzuriteResource.AccountName};");
}
