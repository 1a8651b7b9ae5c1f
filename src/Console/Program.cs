using Tenancy.Console.Auth;
using Tenancy.Console.Components;
using Tenancy.Console.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConsoleServices();

var app = builder.Build();

app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found");
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapSignOutEndpoint();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
