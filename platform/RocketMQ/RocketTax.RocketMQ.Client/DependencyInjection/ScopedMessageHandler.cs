using Microsoft.Extensions.DependencyInjection;

namespace RocketTax.RocketMQ.Client;

/// <summary>Resolves <typeparamref name="THandler"/> in a fresh scope per message, so handlers may use scoped services (a DbContext, ...).</summary>
internal sealed class ScopedMessageHandler<THandler>(IServiceScopeFactory scopes) : IMessageHandler
    where THandler : class, IMessageHandler
{
    public async ValueTask<ConsumeResult> HandleAsync(MessageView message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<THandler>();
        return await handler.HandleAsync(message, cancellationToken).ConfigureAwait(false);
    }
}
