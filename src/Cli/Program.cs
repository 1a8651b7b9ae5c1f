using Tenancy.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels (open tenant transactions roll back); a second one ends the process at once.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
return await TenancyCli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
