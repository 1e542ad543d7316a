#!/usr/bin/env bash
# Installs coreclaw for the action (action.yml): the release archive for the
# runner's OS and architecture, checked against the release's checksums.txt
# before anything is unpacked. Settings come from the environment:
#   ACTION_VERSION      a tag (v1.2.3 or 1.2.3), or latest
#   ACTION_RELEASE_URL  the releases page, https://github.com/OWNER/REPO/releases
#   ACTION_RUNNER_OS    Linux, macOS or Windows (runner.os)
#   ACTION_RUNNER_ARCH  X64 or ARM64 (runner.arch)
#   RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH   set by the runner
# Step outputs: path (the binary), version (the tag installed).
set -euo pipefail

fail() {
	echo "::error::coreclaw action: $*" >&2
	exit 1
}

case "${ACTION_RUNNER_OS:-}" in
Linux) os=linux ;;
macOS) os=darwin ;;
Windows) os=windows ;;
*) fail "no coreclaw release for the runner's OS \"${ACTION_RUNNER_OS:-}\" (there are for Linux, macOS and Windows)" ;;
esac
case "${ACTION_RUNNER_ARCH:-}" in
X64) arch=amd64 ;;
ARM64) arch=arm64 ;;
*) fail "no coreclaw release for the runner's architecture \"${ACTION_RUNNER_ARCH:-}\" (there are for X64 and ARM64)" ;;
esac
ext=tar.gz
binary=coreclaw
if [ "$os" = windows ]; then
	ext=zip
	binary=coreclaw.exe
fi

base="${ACTION_RELEASE_URL:-https://github.com/coreclaw/coreclaw/releases}"
base="${base%/}"
version="${ACTION_VERSION:-latest}"
case "$version" in
latest) from="$base/latest/download" ;;
v[0-9]* | [0-9]*) from="$base/download/v${version#v}" ;;
*) fail "version \"$version\" is not a release tag (v1.2.3) or latest" ;;
esac

work="${RUNNER_TEMP:?RUNNER_TEMP is not set}/coreclaw-action-$$"
rm -rf "$work"
mkdir -p "$work"
# HTTPS only, redirects included; plain HTTP only for a mirror on this
# machine (the tests).
proto='=https'
case "$base" in
http://127.0.0.1:* | http://localhost:*) proto='=http' ;;
esac
fetch() { curl -fsSL --retry 3 --proto "$proto" --proto-redir "$proto" -o "$2" "$1"; }

fetch "$from/checksums.txt" "$work/checksums.txt" ||
	fail "cannot download $from/checksums.txt (is \"$version\" a release?)"
# The archive for this platform, named by goreleaser:
# coreclaw_<version>_<os>_<arch>.<ext>, and its sha256 from checksums.txt.
line=$(awk -v os="$os" -v arch="$arch" -v ext="$ext" '
	{ name = $2; sub(/^\*/, "", name) }
	name ~ "^coreclaw_[^_/]+_" os "_" arch "\\." ext "$" { print $1, name; exit }' "$work/checksums.txt")
[ -n "$line" ] || fail "checksums.txt of $version lists no coreclaw archive for $os/$arch"
want=${line%% *}
archive=${line#* }
tag="v${archive#coreclaw_}"
tag=${tag%%_*}

fetch "$from/$archive" "$work/$archive" || fail "cannot download $from/$archive"
if command -v sha256sum >/dev/null 2>&1; then
	got=$(sha256sum "$work/$archive")
else
	got=$(shasum -a 256 "$work/$archive")
fi
got=${got%% *}
if [ "$got" != "$want" ]; then
	rm -f "$work/$archive"
	fail "$archive does not match checksums.txt (sha256 $got, checksums.txt says $want); nothing was installed"
fi

dir="$RUNNER_TEMP/coreclaw-$tag-$os-$arch"
rm -rf "$dir"
mkdir -p "$dir"
if [ "$ext" = zip ]; then
	if command -v unzip >/dev/null 2>&1; then
		unzip -q -o "$work/$archive" -d "$dir"
	else
		pwsh -NoProfile -Command "Expand-Archive -LiteralPath '$work/$archive' -DestinationPath '$dir' -Force"
	fi
else
	tar -xzf "$work/$archive" -C "$dir"
fi
rm -rf "$work"
[ -f "$dir/$binary" ] || fail "$archive holds no $binary"
chmod +x "$dir/$binary" 2>/dev/null || true

echo "$dir" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
{
	echo "path=$dir/$binary"
	echo "version=$tag"
} >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
echo "installed coreclaw $tag for $os/$arch ($archive, sha256 checked against checksums.txt)"
