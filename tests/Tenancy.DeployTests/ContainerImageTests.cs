using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Tenancy.DeployTests;

/// <summary>
/// <c>dotnet publish -t:PublishContainer</c> of the api and the worker to tar archives, without Docker, as azd
/// builds them. The base image comes from a local registry (see <see cref="LocalBaseImage"/>), since
/// mcr.microsoft.com cannot be reached here; in Azure, azd builds on the official images.
/// </summary>
public sealed class ContainerImageTests : IClassFixture<ContainerImageTests.BaseImageRegistry>
{
    private readonly BaseImageRegistry _registry;

    public ContainerImageTests(BaseImageRegistry registry) => _registry = registry;

    [Theory]
    [InlineData("src/Api", "Api", "tenancy-api")]
    [InlineData("src/Worker", "Worker", "tenancy-worker")]
    public async Task Publishing_a_service_as_a_container_writes_an_image_archive(string project, string assembly, string repository)
    {
        var output = Path.Combine(_registry.WorkDirectory, repository);
        var archive = Path.Combine(output, repository + ".tar.gz");

        // At the lowest CPU priority, with no shared build servers (their work would run at normal priority): the
        // other test assemblies run at the same time, and some of them measure throughput.
        var publish = await ProcessRun.StartAsync(
            "nice",
            [
                "-n", "19", "dotnet", "publish", Repository.PathOf(project), "-t:PublishContainer", "-c", "Release",
                "--disable-build-servers",
                // Its own obj/bin, so a concurrent build of the solution never sees a half-written one.
                "--artifacts-path", Path.Combine(output, "artifacts"),
                $"-p:ContainerBaseImage={_registry.BaseImage}",
                $"-p:ContainerArchiveOutputPath={archive}",
                "-p:ContainerImageTag=ci",
            ],
            environment: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
            timeout: TimeSpan.FromMinutes(8));

        Assert.True(publish.ExitCode == 0, publish.ToString());
        var image = ReadArchive(archive);
        Assert.Contains($"{repository}:ci", image.Index, StringComparison.Ordinal);
        var config = image.Config["config"]!;
        Assert.Equal("/app/", (string?)config["WorkingDir"]);
        var command = config["Entrypoint"]!.AsArray().Concat(config["Cmd"]?.AsArray() ?? []).Select(c => (string)c!).ToList();
        Assert.Contains(string.Join(' ', command), new[] { $"/app/{assembly}", $"dotnet {assembly}.dll", $"dotnet /app/{assembly}.dll" });
        Assert.Equal("1654", (string?)config["User"]);
        Assert.Equal("amd64", (string?)image.Config["architecture"]);
        // The base image's two layers, then the app.
        Assert.Equal(3, image.LayerCount);
        Assert.Contains($"app/{assembly}.dll", image.LayerFiles);
        Assert.Contains("usr/share/dotnet/dotnet", image.LayerFiles);
        if (assembly == "Api")
        {
            Assert.NotNull(config["ExposedPorts"]?["8080/tcp"]);
        }

        // Run the image's command as a container would, without a container engine: its own file system (chroot),
        // with /proc and /dev mounted in a private mount namespace that vanishes with the process. The app starts on
        // the image's runtime and stops at its first real dependency: the connection string it was not given.
        var rootfs = Path.Combine(output, "rootfs");
        foreach (var folder in new[] { "proc", "dev" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, folder));
        }

        foreach (var layer in image.Layers)
        {
            var untar = await ProcessRun.StartAsync("tar", ["-xf", layer, "-C", rootfs]);
            Assert.True(untar.ExitCode == 0, untar.ToString());
        }

        var environment = config["Env"]!.AsArray().Select(e => ((string)e!).Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        // chroot starts in /, not the image's working folder: name the app's files by their full path.
        var absolute = command.Select(c => c.EndsWith(".dll", StringComparison.Ordinal) && !c.StartsWith('/') ? (string)config["WorkingDir"]! + c : c);
        const string Container = """root=$1; user=$2; shift 2; mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && exec chroot --userspec="$user" "$root" "$@" """;
        var run = await ProcessRun.StartAsync(
            "unshare",
            ["--mount", "--pid", "--fork", "sh", "-c", Container, "sh", rootfs, $"{config["User"]}:{config["User"]}", .. absolute],
            environment: environment,
            timeout: TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("ConnectionStrings:tenancydb is not configured", run.ToString(), StringComparison.Ordinal);
    }

    /// <summary>An OCI image layout archive: index.json → the image manifest → its config and layers.</summary>
    private static (string Index, JsonNode Config, int LayerCount, HashSet<string> LayerFiles, List<string> Layers) ReadArchive(string path)
    {
        var blobs = new Dictionary<string, MemoryStream>(StringComparer.Ordinal);
        using (var archive = new TarReader(OpenMaybeGzip(path)))
        {
            while (archive.GetNextEntry(copyData: true) is { DataStream: not null } entry)
            {
                var copy = new MemoryStream();
                entry.DataStream.CopyTo(copy);
                copy.Position = 0;
                blobs[entry.Name.TrimStart('.', '/')] = copy;
            }
        }

        Assert.True(blobs.ContainsKey("index.json"), $"Not an OCI image layout: {string.Join(", ", blobs.Keys)}");
        string Text(string name) => new StreamReader(blobs[name]).ReadToEnd();
        static string BlobPath(JsonNode descriptor) => "blobs/" + ((string)descriptor["digest"]!).Replace(':', '/');

        var index = Text("index.json");
        var manifest = JsonNode.Parse(Text(BlobPath(Assert.Single(JsonNode.Parse(index)!["manifests"]!.AsArray())!)))!;
        var config = JsonNode.Parse(Text(BlobPath(manifest["config"]!)))!;
        var layers = manifest["layers"]!.AsArray();
        var layerFiles = new HashSet<string>(StringComparer.Ordinal);
        var layerPaths = new List<string>();
        foreach (var layer in layers)
        {
            var data = blobs[BlobPath(layer!)];
            var layerPath = Path.Combine(Path.GetDirectoryName(path)!, $"layer{layerPaths.Count}.tar.gz");
            File.WriteAllBytes(layerPath, data.ToArray());
            layerPaths.Add(layerPath);
            using var reader = new TarReader(IsGzip(data) ? new GZipStream(data, CompressionMode.Decompress) : data);
            while (reader.GetNextEntry() is { } file)
            {
                layerFiles.Add(file.Name.TrimStart('.', '/'));
            }
        }

        return (index, config, layers.Count, layerFiles, layerPaths);
    }

    private static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        return IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static bool IsGzip(Stream stream)
    {
        var first = stream.ReadByte();
        var second = stream.ReadByte();
        stream.Position = 0;
        return first == 0x1f && second == 0x8b;
    }

    /// <summary>The base image, built once from this machine and served by a local registry for both publishes.</summary>
    public sealed class BaseImageRegistry : IAsyncLifetime
    {
        private LocalOciRegistry? _registry;

        public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "tenancy-tests", "containers-" + Guid.NewGuid().ToString("N")[..8]);

        public string BaseImage => $"{_registry!.Host}/tenancy/dotnet-aspnet:10.0";

        public async Task InitializeAsync()
        {
            var image = await LocalBaseImage.BuildAsync(Path.Combine(WorkDirectory, "base"));
            _registry = await LocalOciRegistry.StartAsync("tenancy/dotnet-aspnet", "10.0", image);
        }

        public async Task DisposeAsync()
        {
            if (_registry is not null)
            {
                await _registry.DisposeAsync();
            }

            Directory.Delete(WorkDirectory, recursive: true);
        }
    }
}
