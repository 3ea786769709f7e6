#!/usr/bin/env bash
# Fetches nats-server 2.10 or later from Debian trixie into bench/.peers/nats-server (gitignored), so the bench can
# run JetStream with `sync_interval: always` (an fsync before each publish ack) against our SYNC_FLUSH; bookworm's
# nats-server 2.9 has no sync_interval. Apt runs on lists and a cache of its own under bench/.peers/apt, deleted
# after a successful fetch: the system's sources, lists and installed packages are read, never changed.
# Does nothing when the binary is there. Prints the binary's path and version on its last line.
set -euo pipefail

suite=trixie
system_sources=/etc/apt/sources.list.d/debian.sources
peers="$(cd "$(dirname "$0")/.." && pwd)/.peers"
target="$peers/nats-server"
binary="$target/usr/sbin/nats-server"

fail() { echo "fetch-nats-server: $*" >&2; exit 1; }

# "nats-server: v2.10.27" -> 2.10.27; fails unless it is 2.10 or later.
checked_version() {
  local version
  version=$("$1" --version 2>/dev/null | sed -n 's/^nats-server: v\([0-9][0-9.]*\).*/\1/p') || true
  [[ -n "$version" ]] || fail "$1 does not print its version; delete $target and run again"
  local major=${version%%.*} minor=${version#*.}
  minor=${minor%%.*}
  if (( major < 2 || (major == 2 && minor < 10) )); then
    fail "$1 is $version; sync_interval needs 2.10 or later (delete $target and run again)"
  fi
  echo "$version"
}

if [[ -x "$binary" ]]; then
  version=$(checked_version "$binary")
  echo "nats-server $version at $binary (already fetched)"
  exit 0
fi

command -v apt-get >/dev/null || fail "apt-get not found: this script needs a Debian-based system"
command -v dpkg >/dev/null || fail "dpkg not found: this script needs a Debian-based system"
[[ -r "$system_sources" ]] || fail "$system_sources not found: the $suite source is derived from the machine's deb822 Debian sources file"

# The system's first stanza of the main archive (not -security), with its suite set to trixie: same mirror, same keyring.
apt_dir="$peers/apt"
mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
awk -v suite="$suite" 'BEGIN { RS = "" }
  !done && /(^|\n)URIs:/ && /(^|\n)Suites:/ && !/-security/ {
    n = split($0, line, "\n")
    for (i = 1; i <= n; i++) {
      if (line[i] ~ /^Suites:/) line[i] = "Suites: " suite
      else if (line[i] ~ /^Types:/) line[i] = "Types: deb"
      print line[i]
    }
    done = 1
  }' "$system_sources" >"$apt_dir/sources/$suite.sources"
grep -q '^URIs:' "$apt_dir/sources/$suite.sources" \
  || fail "no stanza with URIs: and Suites: (other than -security) in $system_sources; is it in deb822 format?"

apt=(apt-get -q
  -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt_dir/sources"
  -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache")
echo "fetch-nats-server: reading the $suite package lists into $apt_dir/lists"
"${apt[@]}" update >"$apt_dir/update.log" 2>&1 || { cat "$apt_dir/update.log" >&2; fail "apt-get update of the $suite lists failed (above)"; }

download="$apt_dir/download"
rm -rf "$download" && mkdir -p "$download"
(cd "$download" && "${apt[@]}" download nats-server) >"$apt_dir/download.log" 2>&1 \
  || { cat "$apt_dir/download.log" >&2; fail "apt-get download nats-server from $suite failed (above)"; }
deb=("$download"/nats-server_*.deb)
[[ -f "${deb[0]}" ]] || fail "apt-get download left no nats-server .deb in $download"

# Unpacked beside the target and moved in place, so an interrupted run never leaves a half binary that looks fetched.
rm -rf "$target.tmp" && dpkg -x "${deb[0]}" "$target.tmp"
[[ -x "$target.tmp/usr/sbin/nats-server" ]] || fail "${deb[0]##*/} has no usr/sbin/nats-server"
checked_version "$target.tmp/usr/sbin/nats-server" >/dev/null
rm -rf "$target" && mv "$target.tmp" "$target"
# The lists (about 30 MB) serve only this fetch; on failure they stay, with the logs, for a look.
rm -rf "$apt_dir"
version=$(checked_version "$binary")
echo "nats-server $version at $binary (from ${deb[0]##*/})"
