using System.Security.Cryptography;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// The whole system with signing keys the test knows (so it can forge tokens with the right key but wrong claims),
/// and the Api's environment at hand, to restart it with other keys.
/// </summary>
public sealed class SecuredSystem : IAsyncDisposable
{
    private SecuredSystem(DistributedApplication app, IResourceBuilder<ProjectResource> api, InvitationMailbox mailbox)
    {
        App = app;
        ApiResource = api;
        Client = new TenancyClient(app.CreateHttpClient("api")) { Mailbox = mailbox };
        Port = Client.Anonymous.BaseAddress!.Port;
    }

    public DistributedApplication App { get; }

    public IResourceBuilder<ProjectResource> ApiResource { get; }

    public TenancyClient Client { get; }

    public int Port { get; }

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    /// <param name="args">The AppHost's command line (its configuration).</param>
    public static async Task<SecuredSystem> StartAsync(string keyId, byte[] key, params string[] args)
    {
        var builder = await TestAppHost.CreateAsync(args);
        var api = builder.CreateResourceBuilder<ProjectResource>("api")
            .WithEnvironment($"Tenancy__Auth__SigningKeys__{keyId}", Convert.ToBase64String(key))
            .WithEnvironment("Tenancy__Auth__ActiveKeyId", keyId)
            // A back-off of a minute from the first wait on (1 s in production) outlasts any test's next request, however slow the machine.
            .WithEnvironment("Tenancy__Auth__SignInFirstBackoff", "00:01:00");
        var app = await builder.StartAsync();
        return new SecuredSystem(app, api, await InvitationMailbox.OfAsync(app));
    }

    /// <summary>Restarts the Api with these settings changed (an empty value removes a signing key), as a deployment would.</summary>
    public async Task RestartApiAsync(params (string Name, string Value)[] settings)
    {
        foreach (var (name, value) in settings)
        {
            ApiResource.WithEnvironment(name, value);
        }

        await App.StopResourceAsync("api");
        await App.StartResourceAsync("api");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Http.Dispose();
        await App.StopAndDeleteAsync();
    }
}

/// <summary>One secured system shared by the security tests.</summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string KeyId = "k1";

    public static readonly byte[] Key = SecuredSystem.NewKey();

    public SecuredSystem System { get; private set; } = null!;

    public TenancyClient Client => System.Client;

    public async Task InitializeAsync() => System = await SecuredSystem.StartAsync(KeyId, Key);

    public async Task DisposeAsync()
    {
        if (System is not null)
        {
            await System.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "Security";
}
