namespace Tenancy.Hosting;

/// <summary>
/// Where a referenced .NET project and its build output live. The AppHost's build generates one class per
/// project reference (<c>Projects.Api</c>), as Aspire's SDK does.
/// </summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }

    string AssemblyPath { get; }
}
