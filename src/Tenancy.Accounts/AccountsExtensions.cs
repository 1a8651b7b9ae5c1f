using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Tenancy.Accounts.Authorization;
using Tenancy.Accounts.Invitations;
using Tenancy.Accounts.Members;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Startup;
using Tenancy.Accounts.Tokens;
using Tenancy.Accounts.Users;
using Tenancy.AspNetCore;

namespace Tenancy.Accounts;

public static class AccountsExtensions
{
    /// <summary>
    /// Users, memberships and platform admins (their own migrations, applied at start), password sign-in with back-off
    /// and rate limits, invitations, JWT bearer authentication, and the authorization that follows from each endpoint's
    /// <c>RequireTenant()</c>/<c>RequirePlatform()</c>, run by <c>UseTenancy</c> after the tenant is resolved. Nothing
    /// here reads Redis.
    /// </summary>
    public static TenancyBuilder WithAccounts(this TenancyBuilder tenancy)
    {
        if (!tenancy.WithAccountStore().WithRequestResolution().TryAdd(TenancyFeatures.Authentication))
        {
            return tenancy;
        }

        tenancy.TryAdd(TenancyFeatures.RateLimiter);
        var services = tenancy.Services;
        var builder = tenancy.Host;
        services.AddHostedService<AccountsStartup>();
        services.AddScoped<SignInService>();
        services.AddScoped<PasswordChange>();
        services.AddScoped<InvitationService>();
        services.AddOptions<InvitationOptions>().Bind(builder.Configuration.GetSection(InvitationOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenIssuer>();
        services.AddExceptionHandler<MemberExceptionHandler>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((jwt, keys) =>
        {
            jwt.MapInboundClaims = false;
            // Nothing reads the token back from the authentication properties: not copying it there saves every request the work.
            jwt.SaveToken = false;
            jwt.TokenValidationParameters = TokenIssuer.ValidationParameters(keys);
            jwt.Events = new JwtBearerEvents { OnTokenValidated = CheckSecurityStampAsync, OnChallenge = WriteChallengeAsync };
        });

        // Every endpoint gets the tenancy rule; RequireAuthorization() (the default policy) also needs a signed-in caller.
        var tenancyAccess = new AuthorizationPolicyBuilder().AddRequirements(TenancyAccessRequirement.Instance).Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Combine(tenancyAccess).Build())
            .SetFallbackPolicy(tenancyAccess);
        services.AddSingleton<IAuthorizationHandler, TenancyAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddRateLimiter(SignInRateLimit.Configure);
        return tenancy;
    }

    /// <summary>
    /// Users and memberships only (no web parts), for tools such as the CLI: <see cref="MemberService"/> and the
    /// accounts database. Where no change listener runs, membership lookups read PostgreSQL each time.
    /// </summary>
    public static TenancyBuilder WithAccountStore(this TenancyBuilder tenancy)
    {
        if (!tenancy.TryAdd("account-store"))
        {
            return tenancy;
        }

        var services = tenancy.Services;
        var builder = tenancy.Host;
        services.AddOptions<AccountsOptions>().Bind(builder.Configuration.GetSection(AccountsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // With the store, whose platform admins it names: AccountsStartup (WithAccounts) reads it.
        services.AddOptions<PlatformAdminOptions>().Bind(builder.Configuration.GetSection(PlatformAdminOptions.SectionName))
            // The message names the settings, never their values: no password reaches a log through a failed start.
            .Validate(o => o.IsValid(), $"{PlatformAdminOptions.SectionName}:Email, when set, is an e-mail address and comes with {PlatformAdminOptions.SectionName}:Password.")
            .ValidateOnStart();
        services.AddDbContextFactory<AccountsDbContext>((sp, options) => AccountsDbContext.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        builder.EnrichTenancyDbContext<AccountsDbContext>();
        services.AddSingleton<IPasswordHasher<ICredentialHolder>, PasswordHasher<ICredentialHolder>>();
        services.AddSingleton<PasswordRules>();
        services.AddScoped<MemberService>();
        services.AddScoped<FirstOwner>();
        // Roles and security stamps: PostgreSQL's, held in memory while the accounts' NOTIFYs are heard (AddTenancy's listener).
        services.AddSingleton<MembershipLookup>();
        services.AddChangeSubscriber<MembershipLookup>();
        services.AddSingleton<SecurityStamps>();
        services.AddChangeSubscriber<SecurityStamps>();
        services.AddSingleton<AccountsMigrator>();
        return tenancy;
    }

    /// <summary>Every request's token must carry its holder's current security stamp: a renewed stamp revokes it.</summary>
    private static async Task CheckSecurityStampAsync(TokenValidatedContext context)
    {
        var stamps = context.HttpContext.RequestServices.GetRequiredService<SecurityStamps>();
        if (!await stamps.IsCurrentAsync(context.Principal!, context.HttpContext.RequestAborted))
        {
            context.Fail(new TokenRevokedException());
        }
    }

    /// <summary>401 as problem details, saying what was wrong with the token (never why a signature failed in detail).</summary>
    private static async Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var detail = context.AuthenticateFailure switch
        {
            null => "Sign in first: send 'Authorization: Bearer <token>' with a token from POST /api/auth/token.",
            SecurityTokenExpiredException => "The token has expired; sign in again.",
            TokenRevokedException => "The token was revoked (a password change or a sign-out since it was issued); sign in again.",
            _ => "The token is not valid.",
        };
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await ProblemResponse.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }
}
