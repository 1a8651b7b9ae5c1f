namespace Tenancy.Console.Api;

/// <summary>An RFC 7807 problem from the Api, as a person reads it.</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public static ApiProblem Unreachable(string detail) => new(503, "The Api cannot be reached", detail, new Dictionary<string, string[]>());

    /// <summary>One sentence for the page: the title, the detail, then each field's messages.</summary>
    public string Message => string.Join(" ", new[] { Title.TrimEnd('.') + ".", Detail }
        .Concat(Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))
        .Where(part => !string.IsNullOrWhiteSpace(part)));
}

/// <summary>The Api's answer: a value, or the problem it reported.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;
}
