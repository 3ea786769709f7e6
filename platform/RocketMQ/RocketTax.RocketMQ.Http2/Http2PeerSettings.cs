using System.Buffers;

namespace RocketTax.RocketMQ.Http2;

/// <summary>The settings the peer has sent so far, starting at the defaults of RFC 9113 (section 6.5.2).</summary>
public sealed class Http2PeerSettings
{
    private const uint MaxAllowedFrameSize = (1 << 24) - 1;

    /// <summary>How large the peer lets our encoder's dynamic table grow.</summary>
    public uint HeaderTableSize { get; private set; } = 4096;

    /// <summary>Whether the peer accepts PUSH_PROMISE.</summary>
    public bool EnablePush { get; private set; } = true;

    /// <summary>How many streams we may have open towards the peer; unlimited until it says.</summary>
    public uint MaxConcurrentStreams { get; private set; } = uint.MaxValue;

    /// <summary>The send window each new stream starts with.</summary>
    public int InitialWindowSize { get; private set; } = Http2Frames.DefaultInitialWindowSize;

    /// <summary>The largest frame payload the peer accepts.</summary>
    public int MaxFrameSize { get; private set; } = Http2Frames.DefaultMaxFrameSize;

    /// <summary>The largest header list the peer accepts; unlimited until it says.</summary>
    public uint MaxHeaderListSize { get; private set; } = uint.MaxValue;

    /// <summary>
    /// Applies a SETTINGS payload and returns how much <see cref="InitialWindowSize"/> changed: every open stream's send
    /// window moves by that much. Unknown parameters are ignored, as the RFC asks.
    /// </summary>
    public int Apply(ReadOnlySequence<byte> payload)
    {
        if (payload.Length % 6 != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, $"a SETTINGS payload of {payload.Length} bytes is not a multiple of 6");
        }

        var previousWindow = InitialWindowSize;
        var reader = new SequenceReader<byte>(payload);
        while (reader.TryReadBigEndian(out short id) && reader.TryReadBigEndian(out int raw))
        {
            Apply(new Http2Setting((Http2SettingId)(ushort)id, (uint)raw));
        }

        return InitialWindowSize - previousWindow;
    }

    private void Apply(Http2Setting setting)
    {
        switch (setting.Id)
        {
            case Http2SettingId.HeaderTableSize:
                HeaderTableSize = setting.Value;
                break;
            case Http2SettingId.EnablePush when setting.Value > 1:
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"SETTINGS_ENABLE_PUSH must be 0 or 1, not {setting.Value}");
            case Http2SettingId.EnablePush:
                EnablePush = setting.Value == 1;
                break;
            case Http2SettingId.MaxConcurrentStreams:
                MaxConcurrentStreams = setting.Value;
                break;
            case Http2SettingId.InitialWindowSize when setting.Value > Http2Frames.MaxWindowSize:
                throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, $"SETTINGS_INITIAL_WINDOW_SIZE {setting.Value} is over 2^31-1");
            case Http2SettingId.InitialWindowSize:
                InitialWindowSize = (int)setting.Value;
                break;
            case Http2SettingId.MaxFrameSize when setting.Value is < Http2Frames.DefaultMaxFrameSize or > MaxAllowedFrameSize:
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"SETTINGS_MAX_FRAME_SIZE {setting.Value} is outside 16384..16777215");
            case Http2SettingId.MaxFrameSize:
                MaxFrameSize = (int)setting.Value;
                break;
            case Http2SettingId.MaxHeaderListSize:
                MaxHeaderListSize = setting.Value;
                break;
        }
    }
}
