using System.Text.Json;
using System.Text.Json.Serialization;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>How RocketMQ's fastjson bodies and headers read: camelCase fields, nulls left out, unknown fields ignored.</summary>
public static class RemotingJson
{
    /// <summary>Shared, immutable once first used (System.Text.Json freezes options on first use).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // fastjson writes numbers as numbers, but accept them quoted too: Java maps keyed by Long come back as strings.
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
