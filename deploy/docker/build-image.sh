#!/usr/bin/env bash
# Builds rockettax/rocketmq:local, our broker as an image taking apache/rocketmq's commands, where no registry is
# reachable: a minimal Debian base is made with debootstrap (from the Debian mirror apt already uses) and imported, the
# broker is published self-contained, and the image is built on that base. Needs docker (DOCKER_HOST honoured),
# debootstrap and root. The base is built once and kept in Docker; ROCKETTAX_BASE_IMAGE picks another base.
#
#   deploy/docker/build-image.sh [image-tag]
set -euo pipefail
cd "$(dirname "$0")/../.."

image="${1:-rockettax/rocketmq:local}"
base="${ROCKETTAX_BASE_IMAGE:-rockettax/debian:bookworm}"
context="deploy/docker"

if ! docker image inspect "$base" >/dev/null 2>&1; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  echo "building the base image $base with debootstrap (about a minute and a half)"
  # libssl3 is what the broker needs beyond minbase; with it in the base, the image builds without network.
  debootstrap --variant=minbase --include=libssl3,ca-certificates bookworm "$rootfs" >"$rootfs.log" 2>&1 \
    || { tail -n 20 "$rootfs.log"; exit 1; }
  rm -f "$rootfs.log"
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
fi

echo "publishing the broker self-contained for linux-x64"
rm -rf "$context/rocketmq"
dotnet publish platform/RocketMQ/RocketTax.RocketMQ.Broker -c Release -r linux-x64 --self-contained \
  -o "$context/rocketmq" -nologo -v quiet

echo "building $image on $base"
build_log=$(mktemp)
docker build -q --build-arg "BASE_IMAGE=$base" -t "$image" "$context" >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
rm -f "$build_log"
echo "built $image"
