using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tenancy.Console.Auth;

namespace Tenancy.Console.Api;

/// <summary>
/// The Api over HTTP (service discovery resolves <c>api</c>), always with the signed-in user's own token. Tenant
/// calls name their tenant with <c>X-Tenant</c> on the platform host; the Api checks it against the token, so a
/// tampered URL gets the Api's refusal, never another tenant's data.
/// </summary>
public sealed class TenancyApi(HttpClient http, ILogger<TenancyApi> logger)
{
    public const string TenantHeader = "X-Tenant";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Signs in on the platform (no tenant) or on a tenant, as the Api's <c>POST /api/auth/token</c> does.</summary>
    public Task<ApiResult<TokenResponse>> IssueTokenAsync(string? tenant, string email, string password, CancellationToken cancellationToken) =>
        SendAsync<TokenResponse>(user: null, HttpMethod.Post, "/api/auth/token", new { email, password }, tenant, cancellationToken);

    public Task<ApiResult<T>> SendAsync<T>(SignedInUser? user, HttpMethod method, string path, object? body = null, string? tenant = null, CancellationToken cancellationToken = default) =>
        ExchangeAsync(NewRequest(user, method, path, body, tenant), async response =>
            response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
                ? default
                : await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken), cancellationToken);

    /// <summary>A page of a list, with the total count the Api's list endpoints send beside it (<c>X-Total-Count</c>).</summary>
    public Task<ApiResult<Page<T>>> GetPageAsync<T>(SignedInUser user, string path, CancellationToken cancellationToken) =>
        ExchangeAsync<Page<T>>(NewRequest(user, HttpMethod.Get, path, body: null, tenant: null), async response =>
        {
            var items = await response.Content.ReadFromJsonAsync<List<T>>(Json, cancellationToken) ?? [];
            var total = response.Headers.TryGetValues("X-Total-Count", out var values) && int.TryParse(values.FirstOrDefault(), out var count) ? count : items.Count;
            return new Page<T>(items, total);
        }, cancellationToken);

    private static HttpRequestMessage NewRequest(SignedInUser? user, HttpMethod method, string path, object? body, string? tenant)
    {
        var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        }

        if (tenant is not null)
        {
            request.Headers.Add(TenantHeader, tenant);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return request;
    }

    /// <summary>Sends, and reads a success with <paramref name="read"/>; a refusal or no answer becomes the problem to show.</summary>
    private async Task<ApiResult<T>> ExchangeAsync<T>(HttpRequestMessage request, Func<HttpResponseMessage, Task<T?>> read, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode
                    ? new ApiResult<T>(await read(response), null)
                    : new ApiResult<T>(default, await ReadProblemAsync(response, cancellationToken));
            }
            catch (HttpRequestException ex)
            {
                logger.LogWarning("The Api did not answer {Method} {Path}: {Reason}", request.Method, request.RequestUri, ex.Message);
                return new ApiResult<T>(default, ApiProblem.Unreachable(ex.Message));
            }
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        ProblemBody? body = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                body = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem document after all: the status says enough.
            }
        }

        var title = body?.Title ?? status switch
        {
            401 => "Your session has ended",
            403 => "Not allowed",
            404 => "Not found",
            _ => $"The Api answered {status}",
        };
        var detail = body?.Detail ?? (status == 401 ? "Sign in again." : null);
        return new ApiProblem(status, title, detail, body?.Errors ?? new Dictionary<string, string[]>());
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);
