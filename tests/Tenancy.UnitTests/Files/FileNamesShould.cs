using Tenancy.Files;
using Tenancy.Placement;

namespace Tenancy.UnitTests.Files;

/// <summary>What may name a tenant's file: checked before any call to storage, so no name leaves the tenant's container.</summary>
public sealed class FileNamesShould
{
    [Theory]
    [InlineData("logo.png")]
    [InlineData("products/3f2a/image")]
    [InlineData("reports/2026-12/summary_(final).pdf")]
    [InlineData("a")]
    [InlineData("..a/b..")]
    public void Accept_relative_names_of_plain_characters(string name) => Assert.Null(FileNames.Validate(name));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("/etc/passwd", "does not start with '/'")]
    [InlineData("/t-0123/logo.png", "does not start with '/'")]
    [InlineData("folder/", "does not end with '/'")]
    [InlineData("../other", "'..'")]
    [InlineData("a/../../b", "'..'")]
    [InlineData("a/./b", "'.'")]
    [InlineData("..", "'..'")]
    [InlineData("a//b", "empty folder")]
    [InlineData("a\\b", "'\\'")]
    [InlineData("..\\b", "'\\'")]
    [InlineData("a\u0000b", "control")]
    [InlineData("a\nb", "control")]
    [InlineData("a\u007fb", "control")]
    [InlineData("%2e%2e/b", "not '%'")]
    [InlineData("a%2Fb", "not '%'")]
    [InlineData("a?comp=list", "not '?'")]
    [InlineData("a#b", "not '#'")]
    [InlineData("café.png", "not 'é'")]
    [InlineData("a b", "not ' '")]
    [InlineData("a\u2215b", "not '\u2215'")]
    public void Refuse_names_that_could_leave_the_tenants_files_or_read_differently(string? name, string reason)
    {
        var problem = FileNames.Validate(name);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Bound_the_length_of_a_name_and_of_each_folder()
    {
        Assert.Null(FileNames.Validate(string.Join('/', Enumerable.Repeat(new string('a', 255), 2))));
        Assert.Contains("at most 512", FileNames.Validate(new string('a', 513)), StringComparison.Ordinal);
        Assert.Contains("at most 255", FileNames.Validate(new string('a', 256)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("products/")]
    [InlineData("products/3f")]
    public void Accept_a_prefix_that_may_end_with_a_slash(string? prefix) => Assert.Null(FileNames.ValidatePrefix(prefix));

    [Theory]
    [InlineData("/")]
    [InlineData("../")]
    [InlineData("a//")]
    [InlineData("a\\")]
    public void Refuse_a_prefix_a_name_could_not_have(string prefix) => Assert.NotNull(FileNames.ValidatePrefix(prefix));

    [Fact]
    public void Name_each_tenants_container_by_its_id_alone()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        var container = TenantStoreNames.ToContainerName(id);

        Assert.Equal("t-0f8fad5bd9cb469fa16570867728950e", container);
        // Azure's rule: 3 to 63 lower-case letters, digits and single '-', starting with a letter or digit.
        Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{2,62}$", container);
        Assert.NotEqual(container, TenantStoreNames.ToContainerName(Guid.NewGuid()));
        Assert.Throws<ArgumentException>(() => TenantStoreNames.ToContainerName(Guid.Empty));
    }

    [Theory]
    [InlineData("image/png", "image/png")]
    [InlineData("Text/Plain; charset=utf-8", "text/plain")]
    [InlineData("image/svg+xml", "image/svg+xml")]
    [InlineData("png", null)]
    [InlineData("/png", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Read_an_uploads_media_type_without_its_parameters(string? contentType, string? expected) =>
        Assert.Equal(expected, FileContentTypes.MediaTypeOf(contentType));

    [Fact]
    public void Refuse_options_that_cannot_be_used()
    {
        Assert.Null(new TenantFilesOptions().Problem());
        Assert.Contains("MaxUploadBytes", new TenantFilesOptions { MaxUploadBytes = 0 }.Problem(), StringComparison.Ordinal);
        Assert.Contains("AllowedContentTypes", new TenantFilesOptions { AllowedContentTypes = [] }.Problem(), StringComparison.Ordinal);
        Assert.Contains("AllowedContentTypes", new TenantFilesOptions { AllowedContentTypes = ["images"] }.Problem(), StringComparison.Ordinal);
        Assert.Contains("LinkLifetime", new TenantFilesOptions { LinkLifetime = TimeSpan.FromDays(1) }.Problem(), StringComparison.Ordinal);
        Assert.Contains("MaxPageSize", new TenantFilesOptions { MaxPageSize = 0 }.Problem(), StringComparison.Ordinal);
    }
}
