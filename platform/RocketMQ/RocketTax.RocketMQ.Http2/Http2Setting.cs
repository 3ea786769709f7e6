namespace RocketTax.RocketMQ.Http2;

/// <summary>One parameter of a SETTINGS frame.</summary>
public readonly record struct Http2Setting(Http2SettingId Id, uint Value);
