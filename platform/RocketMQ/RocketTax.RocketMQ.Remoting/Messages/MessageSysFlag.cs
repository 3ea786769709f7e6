namespace RocketTax.RocketMQ.Remoting.Messages;

/// <summary>The bits of a stored message's <c>sysFlag</c> (RocketMQ's <c>MessageSysFlag</c>) that change how it is encoded.</summary>
public static class MessageSysFlag
{
    /// <summary>The body is compressed, with the algorithm in <see cref="CompressionTypeMask"/>.</summary>
    public const int Compressed = 0x1;

    /// <summary>Bits 2 and 3: the transaction state of a sent message; <see cref="TransactionPrepared"/> marks a half message.</summary>
    public const int TransactionTypeMask = 0x3 << 2;

    public const int TransactionPrepared = 0x1 << 2;

    /// <summary>The born host is IPv6: 16 address bytes instead of 4.</summary>
    public const int BornHostV6 = 0x1 << 4;

    /// <summary>The store host is IPv6: 16 address bytes instead of 4.</summary>
    public const int StoreHostV6 = 0x1 << 5;

    /// <summary>Bits 8 to 10: 1 LZ4, 2 zstd, 3 zlib; 0 (written before RocketMQ 5 named the others) is zlib too.</summary>
    public const int CompressionTypeMask = 0x7 << 8;

    public const int CompressionLz4 = 0x1 << 8;
    public const int CompressionZstd = 0x2 << 8;
    public const int CompressionZlib = 0x3 << 8;

    /// <summary>True when a compressed body of this flag is zlib, the one algorithm .NET undoes without a package.</summary>
    public static bool IsZlib(int sysFlag) => (sysFlag & CompressionTypeMask) is 0 or CompressionZlib;
}
