namespace RocketTax.RocketMQ.Http2;

/// <summary>The SETTINGS parameters of RFC 9113, section 6.5.2.</summary>
public enum Http2SettingId : ushort
{
    HeaderTableSize = 1,
    EnablePush = 2,
    MaxConcurrentStreams = 3,
    InitialWindowSize = 4,
    MaxFrameSize = 5,
    MaxHeaderListSize = 6,
}
