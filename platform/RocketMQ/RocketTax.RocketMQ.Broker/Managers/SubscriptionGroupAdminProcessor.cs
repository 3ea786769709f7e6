using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// The remoting requests about consumer groups: <c>UPDATE_AND_CREATE_SUBSCRIPTIONGROUP</c> (what
/// <c>mqadmin updateSubGroup</c> sends, a JSON <c>SubscriptionGroupConfig</c> body) and
/// <c>GET_ALL_SUBSCRIPTIONGROUP_CONFIG</c>.
/// </summary>
public sealed class SubscriptionGroupAdminProcessor(SubscriptionGroupManager groups) : IRemotingRequestProcessor
{
    /// <summary>RocketMQ's <c>UPDATE_AND_CREATE_SUBSCRIPTIONGROUP</c>.</summary>
    public const int UpdateAndCreateSubscriptionGroup = 200;

    /// <summary>RocketMQ's <c>GET_ALL_SUBSCRIPTIONGROUP_CONFIG</c>.</summary>
    public const int GetAllSubscriptionGroupConfig = 201;

    public IReadOnlyCollection<int> RequestCodes { get; } = [UpdateAndCreateSubscriptionGroup, GetAllSubscriptionGroupConfig];

    public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.Code == UpdateAndCreateSubscriptionGroup ? Update(request) : All(request));

    private RemotingCommand Update(RemotingCommand request)
    {
        SubscriptionGroupConfig? group;
        try
        {
            group = request.Body is { Length: > 0 } ? request.ReadBody<SubscriptionGroupConfig>() : null;
        }
        catch (RemotingProtocolException ex)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError, $"the SubscriptionGroupConfig body could not be read: {ex.Message}");
        }

        if (group is null)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError, "the request carries no SubscriptionGroupConfig body");
        }

        if (ResourceNames.ValidateGroup(group.GroupName) is { } invalid)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError, invalid);
        }

        if (group.RetryMaxTimes is < -1 or > 1000)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError,
                $"retryMaxTimes {group.RetryMaxTimes} of group {group.GroupName} is out of range: use 0..1000");
        }

        groups.CreateOrUpdate(group);
        return RemotingCommand.Response(request, ResponseCode.Success);
    }

    private RemotingCommand All(RemotingCommand request)
    {
        var table = groups.All.ToDictionary(g => g.GroupName, StringComparer.Ordinal);
        return RemotingCommand.JsonResponse(request, new Dictionary<string, object> { ["subscriptionGroupTable"] = table });
    }
}
