using Google.Protobuf;
using Status = Apache.Rocketmq.V2.Status;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>
/// Builds any response of <c>apache.rocketmq.v2.MessagingService</c> that carries only a status: every one of
/// them has a <c>status</c> field, which protobuf reflection sets without a factory per RPC.
/// </summary>
public static class StatusResponses
{
    public static TResponse Create<TResponse>(Status status) where TResponse : class
    {
        var response = Activator.CreateInstance<TResponse>() as IMessage
            ?? throw new InvalidOperationException($"{typeof(TResponse).Name} is not a protobuf message");
        var field = response.Descriptor.FindFieldByName("status")
            ?? throw new InvalidOperationException($"{response.Descriptor.FullName} has no status field to answer with");
        field.Accessor.SetValue(response, status);
        return (TResponse)response;
    }
}
