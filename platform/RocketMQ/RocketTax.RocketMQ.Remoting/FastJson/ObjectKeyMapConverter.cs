using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RocketTax.RocketMQ.Remoting.FastJson;

/// <summary>Writes an <see cref="ObjectKeyMap{TKey,TValue}"/> with object keys, as fastjson does; reads it from <see cref="FastJsonReader"/>'s entries.</summary>
public sealed class ObjectKeyMapConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ObjectKeyMap<,>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<,>).MakeGenericType(typeToConvert.GetGenericArguments()))!;

    private sealed class Converter<TKey, TValue> : JsonConverter<ObjectKeyMap<TKey, TValue>>
        where TKey : notnull
    {
        public override ObjectKeyMap<TKey, TValue> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var map = new ObjectKeyMap<TKey, TValue>();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    // fastjson writes an empty map as {}; a map with entries comes as FastJsonReader's array of entries.
                    reader.Read();
                    return reader.TokenType == JsonTokenType.EndObject
                        ? map
                        : throw new JsonException($"a map keyed by {typeof(TKey).Name} has object keys; this one has a name key");
                case JsonTokenType.StartArray:
                    foreach (var entry in JsonSerializer.Deserialize<List<Entry<TKey, TValue>>>(ref reader, options) ?? [])
                    {
                        map.Add(entry.Key ?? throw new JsonException($"a map keyed by {typeof(TKey).Name} has an entry without a key"), entry.Value);
                    }

                    return map;
                default:
                    throw new JsonException($"a map keyed by {typeof(TKey).Name} must be an object, found {reader.TokenType}");
            }
        }

        public override void Write(Utf8JsonWriter writer, ObjectKeyMap<TKey, TValue> value, JsonSerializerOptions options)
        {
            var text = new StringBuilder("{");
            foreach (var (key, entryValue) in value)
            {
                if (text.Length > 1)
                {
                    text.Append(',');
                }

                text.Append(JsonSerializer.Serialize(key, options)).Append(':').Append(JsonSerializer.Serialize(entryValue, options));
            }

            // Object keys are not JSON the writer could check; each key and value in them is.
            writer.WriteRawValue(text.Append('}').ToString(), skipInputValidation: true);
        }
    }

    private sealed record Entry<TKey, TValue>(TKey? Key, TValue Value);
}
