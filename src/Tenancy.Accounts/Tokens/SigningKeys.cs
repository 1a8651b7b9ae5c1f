using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Accounts.Tokens;

/// <summary>
/// The HMAC-SHA256 keys that sign and validate tokens, from <c>Tenancy:Auth:SigningKeys:{keyId}</c>; the
/// <c>ActiveKeyId</c> signs and every listed key validates, so keys rotate without downtime (add the new key, switch
/// the active id, remove the old one after a token lifetime). In Development without keys, one is generated at first
/// start into a file outside the repository (mode 600) and reused by every instance on the machine.
/// </summary>
public sealed partial class SigningKeys
{
    public const int MinimumKeyBytes = 32;

    public SigningKeys(IOptions<AccountsOptions> options, IHostEnvironment environment, ILogger<SigningKeys> logger)
    {
        var configured = options.Value;
        // An empty value removes a key (a variable that cannot be unset, an overriding configuration source).
        var listed = configured.SigningKeys.Where(pair => !string.IsNullOrWhiteSpace(pair.Value)).ToDictionary();
        if (listed.Count == 0)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "No token signing key: set Tenancy:Auth:SigningKeys:{keyId} (base64, at least 32 bytes) and Tenancy:Auth:ActiveKeyId.");
            }

            var file = configured.DevelopmentKeyFile ?? DefaultDevelopmentKeyFile();
            var key = new SymmetricSecurityKey(ReadOrCreateDevelopmentKey(file, logger)) { KeyId = "dev" };
            Validation = [key];
            Active = key;
            return;
        }

        Validation = [.. listed.Select(pair => new SymmetricSecurityKey(Decode(pair.Key, pair.Value)) { KeyId = pair.Key })];
        var activeId = configured.ActiveKeyId ?? (listed.Count == 1 ? listed.Keys.Single() : null)
            ?? throw new InvalidOperationException("Several signing keys are configured: set Tenancy:Auth:ActiveKeyId to the one that signs.");
        Active = Validation.SingleOrDefault(k => k.KeyId == activeId)
            ?? throw new InvalidOperationException($"Tenancy:Auth:ActiveKeyId '{activeId}' is not one of Tenancy:Auth:SigningKeys.");
    }

    /// <summary>Signs new tokens.</summary>
    public SymmetricSecurityKey Active { get; }

    /// <summary>Validate tokens (found by the token's <c>kid</c>).</summary>
    public IReadOnlyList<SymmetricSecurityKey> Validation { get; }

    private static byte[] Decode(string keyId, string material)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(material);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Tenancy:Auth:SigningKeys:{keyId} is not base64.");
        }

        return bytes.Length >= MinimumKeyBytes
            ? bytes
            : throw new InvalidOperationException($"Tenancy:Auth:SigningKeys:{keyId} has {bytes.Length} bytes; HMAC-SHA256 needs at least {MinimumKeyBytes}.");
    }

    private static string DefaultDevelopmentKeyFile() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "tenancy", "secrets", "jwt-signing.key");

    private static byte[] ReadOrCreateDevelopmentKey(string file, ILogger logger)
    {
        if (!File.Exists(file))
        {
            var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(temporary, NewKey());
            }
            else
            {
                // Readable by this user only, from the moment it exists.
                Directory.CreateDirectory(Path.GetDirectoryName(file)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                using var stream = new FileStream(temporary, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                using var writer = new StreamWriter(stream);
                writer.Write(NewKey());
            }

            try
            {
                // Atomic, and never over a key another instance created first: every instance ends up with the same key.
                File.Move(temporary, file, overwrite: false);
                LogGenerated(logger, file);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temporary);
            }
        }

        return Decode("dev", File.ReadAllText(file).Trim());
    }

    private static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(MinimumKeyBytes));

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Tenancy:Auth:SigningKeys configured: generated a development signing key in {File}")]
    private static partial void LogGenerated(ILogger logger, string file);
}
