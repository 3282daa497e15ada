#!/bin/sh
# Installs a released beast without compiling it: downloads the archive for
# this machine, checks its SHA-256, and puts bin/beast (with its man pages)
# under a prefix. A checksum that does not match installs nothing.
#
#   sh install.sh [--prefix DIR] [--version V]
#
# --prefix   where to install (default: $HOME/.local); beast goes to DIR/bin
# --version  the release to install (default: $BEAST_VERSION, else latest)
# BEAST_DOWNLOAD_URL  where the archives are: URL/v<version>/beast-<version>-<target>.tar.gz
#                     (and .sha256 beside it); default: the project's release page.
# Needs curl or wget, tar, and sha256sum or shasum.
set -eu

prefix="${HOME:-.}/.local"
version="${BEAST_VERSION:-}"
base="${BEAST_DOWNLOAD_URL:-https://github.com/beast-roadmap/beast/releases/download}"

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --version) version="${2:?--version needs a version}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || { echo "install.sh: give --version V (or BEAST_VERSION)" >&2; exit 2; }
version="${version#v}"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
  Linux-aarch64|Linux-arm64) target=aarch64-unknown-linux-gnu ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) echo "install.sh: no release for $(uname -s) $(uname -m); build from source with cargo install" >&2; exit 1 ;;
esac

name="beast-$version-$target"
url="$base/v$version/$name.tar.gz"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --output "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --output-document="$2" "$1"
  else
    echo "install.sh: needs curl or wget" >&2; exit 1
  fi
}

fetch "$url" "$tmp/$name.tar.gz" || { echo "install.sh: cannot download $url" >&2; exit 1; }
fetch "$url.sha256" "$tmp/$name.tar.gz.sha256" || { echo "install.sh: cannot download $url.sha256" >&2; exit 1; }

want="$(cut -d ' ' -f 1 < "$tmp/$name.tar.gz.sha256")"
if command -v sha256sum >/dev/null 2>&1; then
  got="$(sha256sum "$tmp/$name.tar.gz" | cut -d ' ' -f 1)"
else
  got="$(shasum -a 256 "$tmp/$name.tar.gz" | cut -d ' ' -f 1)"
fi
if [ -z "$want" ] || [ "$want" != "$got" ]; then
  echo "install.sh: $name.tar.gz does not match its SHA-256 ($got, expected $want); nothing installed" >&2
  exit 1
fi

tar -xzf "$tmp/$name.tar.gz" -C "$tmp"
[ -x "$tmp/$name/bin/beast" ] || { echo "install.sh: the archive has no bin/beast; nothing installed" >&2; exit 1; }
mkdir -p "$prefix/bin" "$prefix/share/man/man1"
# Into place by a rename, so a running beast is never half overwritten.
cp "$tmp/$name/bin/beast" "$prefix/bin/.beast.new"
chmod 755 "$prefix/bin/.beast.new"
mv -f "$prefix/bin/.beast.new" "$prefix/bin/beast"
cp "$tmp/$name"/share/man/man1/*.1 "$prefix/share/man/man1/" 2>/dev/null || true
echo "installed beast $version to $prefix/bin/beast"
