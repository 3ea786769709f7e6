using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>The <c>Subscription</c> part of a consumer's Settings.</summary>
internal static class SubscriptionSettings
{
    public static Subscription Create(ClientSession session, string group, IReadOnlyDictionary<string, FilterExpression> subscriptions)
    {
        var subscription = new Subscription { Group = session.Resource(group) };
        foreach (var (topic, filter) in subscriptions)
        {
            subscription.Subscriptions.Add(new SubscriptionEntry
            {
                Topic = session.Resource(topic),
                Expression = filter.ToProtocol(),
            });
        }

        return subscription;
    }
}
