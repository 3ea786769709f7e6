using RocketTax.RocketMQ.Broker.Configuration;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>
/// Reads the ACL file named by <c>aclConfigFile</c>: the block-style YAML of RocketMQ's <c>plain_acl.yml</c>
/// (so an existing file loads unchanged), one account per <c>- accessKey:</c> item of <c>accounts:</c>.
/// White-listed remote addresses are not honoured (every request must be signed), and say so as a warning.
/// </summary>
public static class PlainAclFile
{
    private const int MinKeyLength = 6;

    /// <summary>Loads <paramref name="path"/>; a syntax or value error throws <see cref="ConfigurationException"/> naming the line.</summary>
    public static AclConfig Load(string path, Action<string> warn)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"ACL file '{path}' (aclConfigFile) does not exist");
        }

        return Parse(File.ReadAllLines(path), path, warn);
    }

    public static AclConfig Parse(IReadOnlyList<string> lines, string source, Action<string> warn)
    {
        var accounts = new Dictionary<string, AclAccount>(StringComparer.Ordinal);
        AccountBuilder? current = null;
        string? section = null;
        string? list = null;
        var accountIndent = -1;

        void Finish()
        {
            if (current is null)
            {
                return;
            }

            var account = current.Build();
            if (!accounts.TryAdd(account.AccessKey, account))
            {
                throw current.Error($"access key '{account.AccessKey}' appears twice");
            }

            current = null;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = StripComment(lines[i]);
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var at = new LineRef(source, i + 1);
            var indent = line.Length - line.TrimStart(' ').Length;
            var content = line.Trim();
            if (line.Contains('\t', StringComparison.Ordinal))
            {
                throw at.Error("tabs are not allowed for indentation; use spaces");
            }

            if (indent == 0 && !content.StartsWith('-'))
            {
                var (key, value) = at.KeyValue(content);
                section = key switch
                {
                    "accounts" or "globalWhiteRemoteAddresses" when value.Length == 0 => key,
                    "accounts" or "globalWhiteRemoteAddresses" => throw at.Error($"'{key}' must be followed by a block list ('- ...' lines), not an inline value"),
                    _ => throw at.Error($"unknown top-level key '{key}' (expected 'accounts' or 'globalWhiteRemoteAddresses')"),
                };
                list = null;
                continue;
            }

            if (section == "globalWhiteRemoteAddresses")
            {
                warn($"{at}: globalWhiteRemoteAddresses is not supported and is ignored: every request must be signed");
                continue;
            }

            if (section != "accounts")
            {
                throw at.Error("indented line outside 'accounts:'");
            }

            if (content.StartsWith('-') && list is not null && indent > accountIndent)
            {
                var item = Unquote(content[1..].Trim());
                if (list == "whiteRemoteAddress")
                {
                    warn($"{at}: whiteRemoteAddress is not supported and is ignored: requests of '{current!.AccessKey}' must be signed");
                    continue;
                }

                var equals = item.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw at.Error($"'{item}' is not '<name>=<PUB|SUB|DENY>'");
                }

                var perms = list == "topicPerms" ? current!.TopicPerms : current!.GroupPerms;
                perms[item[..equals].Trim()] = at.Permission(item[(equals + 1)..].Trim());
                continue;
            }

            if (content.StartsWith('-'))
            {
                Finish();
                current = new AccountBuilder(at);
                accountIndent = indent;
                content = content[1..].Trim();
                if (content.Length == 0)
                {
                    continue;
                }
            }
            else if (current is null || indent <= accountIndent)
            {
                throw at.Error("expected '- accessKey: ...' to start an account");
            }

            var (name, text) = at.KeyValue(content);
            list = null;
            switch (name)
            {
                case "accessKey":
                    current.AccessKey = text;
                    break;
                case "secretKey":
                    current.SecretKey = text;
                    break;
                case "admin":
                    current.Admin = text.ToLowerInvariant() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw at.Error($"admin is '{text}'; expected true or false"),
                    };
                    break;
                case "defaultTopicPerm":
                    current.DefaultTopicPerm = at.Permission(text);
                    break;
                case "defaultGroupPerm":
                    current.DefaultGroupPerm = at.Permission(text);
                    break;
                case "topicPerms" or "groupPerms" or "whiteRemoteAddress" when text.Length == 0:
                    list = name;
                    break;
                case "whiteRemoteAddress":
                    warn($"{at}: whiteRemoteAddress is not supported and is ignored: requests of '{current.AccessKey}' must be signed");
                    break;
                case "topicPerms" or "groupPerms":
                    throw at.Error($"'{name}' must be followed by '- <name>=<perm>' lines, not an inline value");
                default:
                    throw at.Error($"unknown account key '{name}' (expected accessKey, secretKey, admin, defaultTopicPerm, defaultGroupPerm, topicPerms, groupPerms)");
            }
        }

        Finish();
        if (accounts.Count == 0)
        {
            warn($"{source}: the ACL file has no accounts: every request will be refused");
        }

        return new AclConfig(accounts, source);
    }

    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i].TrimEnd();
            }
        }

        return line.TrimEnd();
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    private readonly record struct LineRef(string Source, int Line)
    {
        public ConfigurationException Error(string message) => new($"{this}: {message}");

        public override string ToString() => $"{Source} line {Line}";

        public (string Key, string Value) KeyValue(string content)
        {
            var colon = content.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Error($"'{content}' is not 'key: value'");
            }

            return (content[..colon].Trim(), Unquote(content[(colon + 1)..].Trim()));
        }

        public AclPermission Permission(string text)
        {
            var permission = AclPermission.None;
            foreach (var part in text.Split('|', StringSplitOptions.TrimEntries))
            {
                permission |= part.ToUpperInvariant() switch
                {
                    "PUB" => AclPermission.Pub,
                    "SUB" => AclPermission.Sub,
                    "DENY" => AclPermission.Deny,
                    _ => throw Error($"permission '{text}' is not one of PUB, SUB, PUB|SUB, DENY"),
                };
            }

            return permission;
        }
    }

    private sealed class AccountBuilder(LineRef start)
    {
        public string? AccessKey { get; set; }

        public string? SecretKey { get; set; }

        public bool Admin { get; set; }

        public AclPermission DefaultTopicPerm { get; set; } = AclPermission.Deny;

        public AclPermission DefaultGroupPerm { get; set; } = AclPermission.Deny;

        public Dictionary<string, AclPermission> TopicPerms { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, AclPermission> GroupPerms { get; } = new(StringComparer.Ordinal);

        public ConfigurationException Error(string message) => start.Error($"account: {message}");

        public AclAccount Build()
        {
            if (AccessKey is not { Length: >= MinKeyLength })
            {
                throw Error($"accessKey is missing or shorter than {MinKeyLength} characters");
            }

            if (SecretKey is not { Length: >= MinKeyLength })
            {
                throw Error($"secretKey of '{AccessKey}' is missing or shorter than {MinKeyLength} characters");
            }

            return new AclAccount(AccessKey, SecretKey)
            {
                Admin = Admin,
                DefaultTopicPerm = DefaultTopicPerm,
                DefaultGroupPerm = DefaultGroupPerm,
                TopicPerms = TopicPerms,
                GroupPerms = GroupPerms,
            };
        }
    }
}
