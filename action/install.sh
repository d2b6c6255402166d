#!/usr/bin/env bash
# Installs a released refguard binary for the runner's platform, verified
# against the release's SHA256SUMS, and puts it on the PATH of later steps.
# Reads: INPUT_VERSION (empty: the VERSION file beside this action),
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT, and
# REFGUARD_DOWNLOAD_BASE (default: the project's GitHub releases).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${INPUT_VERSION:-$(tr -d '[:space:]' < "$here/VERSION")}"
version="${version#v}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "::error title=refguard::version '$version' is not a release version (like 0.2.0)"
  exit 2
fi

case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS*) os=windows ;;
  *) echo "::error title=refguard::unsupported runner OS ${RUNNER_OS:-}"; exit 2 ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | aarch64 | arm64) arch=arm64 ;;
  *) echo "::error title=refguard::unsupported runner architecture ${RUNNER_ARCH:-}"; exit 2 ;;
esac
exe=""
[ "$os" = windows ] && exe=".exe"
asset="refguard_${version}_${os}_${arch}${exe}"
base="${REFGUARD_DOWNLOAD_BASE:-https://github.com/refguard/refguard/releases/download}/v${version}"

dir="${RUNNER_TEMP:?}/refguard-${version}"
mkdir -p "$dir"
curl -fsSL --retry 3 -o "$dir/SHA256SUMS" "$base/SHA256SUMS"
curl -fsSL --retry 3 -o "$dir/$asset" "$base/$asset"
want="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$dir/SHA256SUMS")"
if [ -z "$want" ]; then
  echo "::error title=refguard::$asset is not listed in the release's SHA256SUMS"
  exit 2
fi
if command -v sha256sum >/dev/null; then
  got="$(sha256sum "$dir/$asset" | cut -d' ' -f1)"
else
  got="$(shasum -a 256 "$dir/$asset" | cut -d' ' -f1)" # macOS runners
fi
if [ "$want" != "$got" ]; then
  echo "::error title=refguard::$asset does not match SHA256SUMS (want $want, got $got)"
  exit 2
fi
mv "$dir/$asset" "$dir/refguard${exe}"
chmod +x "$dir/refguard${exe}"
echo "$dir" >> "${GITHUB_PATH:?}"
echo "version=$version" >> "${GITHUB_OUTPUT:?}"
"$dir/refguard${exe}" --version
