using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tenancy.DeployTests;

/// <summary>A content-addressed blob of an image, kept in a file.</summary>
internal sealed record OciBlob(string Digest, string MediaType, string Path, long Size);

/// <summary>
/// An ASP.NET Core base image made from this machine, for building the apps' images where mcr.microsoft.com cannot
/// be reached: the same Debian packages the official image carries (glibc, libstdc++, OpenSSL, zlib, CA
/// certificates, tzdata) as installed here, the installed .NET runtimes in /usr/share/dotnet, and the official
/// image's conventions (user 1654 "app", ASPNETCORE_HTTP_PORTS=8080). It runs the apps exactly as published.
/// </summary>
internal sealed class LocalBaseImage
{
    private static readonly string[] DebianPackages = ["libc6", "libgcc-s1", "libstdc++6", "libssl3", "zlib1g", "ca-certificates", "tzdata"];
    private const string DotnetRoot = "/usr/share/dotnet";
    private const int AppUid = 1654;

    public required OciBlob Manifest { get; init; }

    public required IReadOnlyDictionary<string, OciBlob> Blobs { get; init; }

    public static async Task<LocalBaseImage> BuildAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var os = await WriteLayerAsync(directory, "os", await OsEntriesAsync());
        var dotnet = await WriteLayerAsync(directory, "dotnet", DotnetEntries());

        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray(
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    $"APP_UID={AppUid}",
                    "ASPNETCORE_HTTP_PORTS=8080",
                    "DOTNET_RUNNING_IN_CONTAINER=true",
                    $"DOTNET_ROOT={DotnetRoot}"),
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(os.DiffId, dotnet.DiffId) },
        };
        var configBlob = await WriteJsonBlobAsync(directory, "config.json", config, "application/vnd.oci.image.config.v1+json");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = Descriptor(configBlob),
            ["layers"] = new JsonArray(Descriptor(os.Blob), Descriptor(dotnet.Blob)),
        };
        var manifestBlob = await WriteJsonBlobAsync(directory, "manifest.json", manifest, "application/vnd.oci.image.manifest.v1+json");
        return new LocalBaseImage
        {
            Manifest = manifestBlob,
            Blobs = new[] { configBlob, os.Blob, dotnet.Blob }.ToDictionary(b => b.Digest, StringComparer.Ordinal),
        };
    }

    /// <summary>Files of the Debian packages as dpkg lists them, with the merged-/usr links, the CA store and the users.</summary>
    private static async Task<IEnumerable<TarSource>> OsEntriesAsync()
    {
        var paths = new List<string>();
        foreach (var package in DebianPackages)
        {
            var listing = await ProcessRun.StartAsync("dpkg", ["-L", package]);
            Assert.True(listing.ExitCode == 0, $"Debian package {package} is not installed: {listing}");
            paths.AddRange(listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        // update-ca-certificates builds /etc/ssl/certs; OpenSSL looks in /usr/lib/ssl, which links there.
        paths.AddRange(Directory.EnumerateFileSystemEntries("/etc/ssl/certs"));
        paths.AddRange(Directory.Exists("/usr/lib/ssl") ? Directory.EnumerateFileSystemEntries("/usr/lib/ssl") : []);

        var topLevelLinks = Directory.EnumerateFileSystemEntries("/")
            .Select(p => new FileInfo(p))
            .Where(f => f.LinkTarget is not null)
            .ToDictionary(f => f.FullName + "/", f => "/" + f.LinkTarget!.TrimStart('/') + "/", StringComparer.Ordinal);

        var entries = topLevelLinks.Keys.Select(link => TarSource.FromHost(link.TrimEnd('/'), link.TrimEnd('/'))).ToList();
        entries.AddRange(paths
            .Where(p => p != "/." && (Path.Exists(p) || new FileInfo(p).LinkTarget is not null))
            .Select(p => TarSource.FromHost(p, Canonical(p, topLevelLinks))));
        entries.Add(TarSource.Text("etc/passwd", $"root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:{AppUid}:{AppUid}::/home/app:/usr/sbin/nologin\n"));
        entries.Add(TarSource.Text("etc/group", $"root:x:0:\napp:x:{AppUid}:\n"));
        entries.Add(TarSource.Directory("tmp", UnixFileMode.StickyBit | (UnixFileMode)0b111_111_111));
        entries.Add(TarSource.Directory("home/app", (UnixFileMode)0b111_101_101, AppUid));
        return entries;
    }

    private static IEnumerable<TarSource> DotnetEntries()
    {
        var files = new[] { "dotnet", "LICENSE.txt", "ThirdPartyNotices.txt" }.Select(f => Path.Combine(DotnetRoot, f)).Where(File.Exists);
        var folders = new[] { "host", "shared/Microsoft.NETCore.App", "shared/Microsoft.AspNetCore.App" }
            .Select(f => Path.Combine(DotnetRoot, f))
            .SelectMany(f => Directory.EnumerateFileSystemEntries(f, "*", SearchOption.AllDirectories).Prepend(f));
        return [.. files.Concat(folders).Select(p => TarSource.FromHost(p, p)), TarSource.Link("usr/bin/dotnet", $"{DotnetRoot}/dotnet")];
    }

    /// <summary>The path without merged-/usr links in its folders (/lib/x → /usr/lib/x), so the layer holds real folders.</summary>
    private static string Canonical(string path, IReadOnlyDictionary<string, string> topLevelLinks)
    {
        foreach (var (link, target) in topLevelLinks)
        {
            if (path.StartsWith(link, StringComparison.Ordinal))
            {
                return target + path[link.Length..];
            }
        }

        return path;
    }

    private static async Task<(OciBlob Blob, string DiffId)> WriteLayerAsync(string directory, string name, IEnumerable<TarSource> entries)
    {
        var tarPath = Path.Combine(directory, name + ".tar");
        await using (var tarFile = File.Create(tarPath))
        await using (var writer = new TarWriter(tarFile, TarEntryFormat.Pax))
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (written.Add(entry.EntryName))
                {
                    await entry.WriteAsync(writer);
                }
            }
        }

        var diffId = await DigestAsync(tarPath);
        var gzipPath = tarPath + ".gz";
        await using (var source = File.OpenRead(tarPath))
        await using (var target = File.Create(gzipPath))
        await using (var gzip = new GZipStream(target, CompressionLevel.Fastest))
        {
            await source.CopyToAsync(gzip);
        }

        File.Delete(tarPath);
        return (new OciBlob(await DigestAsync(gzipPath), "application/vnd.oci.image.layer.v1.tar+gzip", gzipPath, new FileInfo(gzipPath).Length), diffId);
    }

    private static async Task<OciBlob> WriteJsonBlobAsync(string directory, string name, JsonObject json, string mediaType)
    {
        var path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return new OciBlob(await DigestAsync(path), mediaType, path, new FileInfo(path).Length);
    }

    private static JsonObject Descriptor(OciBlob blob) => new()
    {
        ["mediaType"] = blob.MediaType,
        ["digest"] = blob.Digest,
        ["size"] = blob.Size,
    };

    private static async Task<string> DigestAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }

    /// <summary>One entry of a layer: a file, folder or link of this machine under a name, or generated content.</summary>
    private sealed record TarSource(string EntryName, Func<TarWriter, Task> WriteAsync)
    {
        /// <summary>Files, folders and links alike: TarWriter reads the kind, mode and link target from the file system.</summary>
        public static TarSource FromHost(string hostPath, string imagePath) =>
            new(imagePath.TrimStart('/'), writer => writer.WriteEntryAsync(hostPath, imagePath.TrimStart('/')));

        public static TarSource Text(string name, string content) => new(name, writer => writer.WriteEntryAsync(
            new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                Mode = (UnixFileMode)0b110_100_100,
            }));

        public static TarSource Directory(string name, UnixFileMode mode, int owner = 0) => new(name, writer => writer.WriteEntryAsync(
            new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode, Uid = owner, Gid = owner }));

        public static TarSource Link(string name, string target) => new(name, writer => writer.WriteEntryAsync(
            new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target }));
    }
}
