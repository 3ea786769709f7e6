using Microsoft.Extensions.DependencyInjection;

namespace RocketTax.RocketMQ.Client;

/// <summary>Resolves <typeparamref name="TChecker"/> in a fresh scope per check, so checkers may use scoped services (a DbContext, ...).</summary>
internal sealed class ScopedTransactionChecker<TChecker>(IServiceScopeFactory scopes) : ITransactionChecker
    where TChecker : class, ITransactionChecker
{
    public async ValueTask<TransactionResolution> CheckAsync(MessageView message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var checker = scope.ServiceProvider.GetRequiredService<TChecker>();
        return await checker.CheckAsync(message, cancellationToken).ConfigureAwait(false);
    }
}
