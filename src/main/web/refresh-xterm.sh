#!/usr/bin/env bash
# Refreshes the xterm.js files the terminal page loads, from the npm registry.
#
# The build never runs node: the files this script writes under
# src/main/resources/web/vendor/ are committed. Run it by hand to move to new
# versions (edit the pins below), and commit what it writes.
#
#   bash src/main/web/refresh-xterm.sh            install the pinned versions, copy, write VERSIONS
#   bash src/main/web/refresh-xterm.sh --verify   check the committed files against VERSIONS (no network, no node)
#
# The pins are the newest stable releases the registry has. All of them come from
# one xterm.js release (the same source commit); the addons of 6.0 no longer
# declare a peer dependency on @xterm/xterm, so the install below runs with
# --strict-peer-deps to fail loudly if a future pin brings one back that the
# core version does not satisfy.
set -euo pipefail

XTERM_VERSION=6.0.0
ADDON_FIT_VERSION=0.11.0
ADDON_WEB_LINKS_VERSION=0.12.0
ADDON_UNICODE11_VERSION=0.9.0
# Loaded by the page only after the terminal opens (see web/addons.js), not on the first screen.
ADDON_IMAGE_VERSION=0.9.0
ADDON_SEARCH_VERSION=0.16.0
ADDON_CLIPBOARD_VERSION=0.2.0
ADDON_WEBGL_VERSION=0.19.0

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
vendor="$root/src/main/resources/web/vendor"
versions="$vendor/VERSIONS"

# package name | pinned version | short name | files copied: "<path in package>:<name in vendor/>" ...
packages=(
  "@xterm/xterm|$XTERM_VERSION|xterm|lib/xterm.js:xterm.js css/xterm.css:xterm.css"
  "@xterm/addon-fit|$ADDON_FIT_VERSION|addon-fit|lib/addon-fit.js:addon-fit.js"
  "@xterm/addon-web-links|$ADDON_WEB_LINKS_VERSION|addon-web-links|lib/addon-web-links.js:addon-web-links.js"
  "@xterm/addon-unicode11|$ADDON_UNICODE11_VERSION|addon-unicode11|lib/addon-unicode11.js:addon-unicode11.js"
  "@xterm/addon-image|$ADDON_IMAGE_VERSION|addon-image|lib/addon-image.js:addon-image.js"
  "@xterm/addon-search|$ADDON_SEARCH_VERSION|addon-search|lib/addon-search.js:addon-search.js"
  "@xterm/addon-clipboard|$ADDON_CLIPBOARD_VERSION|addon-clipboard|lib/addon-clipboard.js:addon-clipboard.js"
  "@xterm/addon-webgl|$ADDON_WEBGL_VERSION|addon-webgl|lib/addon-webgl.js:addon-webgl.js"
)

die() { echo "refresh-xterm: $*" >&2; exit 1; }

sha256() { sha256sum "$1" | cut -d' ' -f1; }

verify() {
  [[ -f "$versions" ]] || die "$versions is missing; run this script without --verify to write it"
  local failed=0 listed=() name expected actual
  while read -r kind name _ _ expected; do
    [[ "$kind" == file ]] || continue
    listed+=("$name")
    if [[ ! -f "$vendor/$name" ]]; then
      echo "missing: vendor/$name" >&2; failed=1; continue
    fi
    actual=$(sha256 "$vendor/$name")
    if [[ "$actual" != "$expected" ]]; then
      echo "changed: vendor/$name (sha256 $actual, VERSIONS says $expected)" >&2; failed=1
    fi
  done < "$versions"
  for path in "$vendor"/*; do
    name=$(basename "$path")
    [[ "$name" == VERSIONS ]] && continue
    if [[ ! " ${listed[*]} " == *" $name "* ]]; then
      echo "not in VERSIONS: vendor/$name" >&2; failed=1
    fi
  done
  (( failed == 0 )) || die "vendor/ does not match VERSIONS; run bash src/main/web/refresh-xterm.sh"
  echo "vendor/ matches VERSIONS (${#listed[@]} files)"
}

if [[ "${1:-}" == --verify ]]; then
  verify
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: refresh-xterm.sh [--verify]"

command -v npm >/dev/null || die "npm is needed to refresh the vendored xterm.js (the build itself does not need it)"
command -v node >/dev/null || die "node is needed to refresh the vendored xterm.js (the build itself does not need it)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

specs=()
for entry in "${packages[@]}"; do
  IFS='|' read -r pkg version _ _ <<< "$entry"
  specs+=("$pkg@$version")
done

echo "installing ${specs[*]}"
# --ignore-scripts: nothing from the registry runs here; these packages have no install step anyway.
npm install --prefix "$work" --no-save --ignore-scripts --strict-peer-deps \
  --no-audit --no-fund --loglevel=error "${specs[@]}" >/dev/null \
  || die "npm install of ${specs[*]} failed (see above)"

# field <package dir> <node expression over package.json as p>
field() { node -e 'const p = require(process.argv[1] + "/package.json"); const v = ('"$2"'); process.stdout.write(v == null ? "" : String(v));' "$1"; }
# the registry's integrity hash of the tarball npm installed, from the lock file it wrote
integrity() { node -e 'const l = require(process.argv[1]); const e = l.packages["node_modules/" + process.argv[2]]; process.stdout.write((e && e.integrity) || "");' "$work/node_modules/.package-lock.json" "$1"; }

rm -rf "$vendor"
mkdir -p "$vendor"

header="# The xterm.js files the terminal page loads, vendored so that the build needs no node.
# Written by src/main/web/refresh-xterm.sh from the npm registry; do not edit by hand.
# Check the files against this list: bash src/main/web/refresh-xterm.sh --verify
#
# package <name> <version> <license> <registry integrity of the npm tarball> <source commit>"
package_lines=()
file_lines=()
for entry in "${packages[@]}"; do
  IFS='|' read -r pkg version short files <<< "$entry"
  dir="$work/node_modules/$pkg"
  [[ -f "$dir/package.json" ]] || die "$pkg was not installed"
  installed=$(field "$dir" 'p.version')
  [[ "$installed" == "$version" ]] || die "$pkg: asked for $version, npm installed $installed"
  license=$(field "$dir" 'p.license')
  commit=$(field "$dir" 'p.commit || p.gitHead')
  sum=$(integrity "$pkg")
  [[ -n "$sum" ]] || die "$pkg: npm recorded no integrity hash"
  package_lines+=("package $pkg $version ${license:-unknown} $sum ${commit:--}")

  [[ -f "$dir/LICENSE" ]] || die "$pkg has no LICENSE file"
  for pair in $files "LICENSE:$short.LICENSE.txt"; do
    from="${pair%%:*}"
    to="${pair#*:}"
    [[ -f "$dir/$from" ]] || die "$pkg@$version has no $from"
    cp "$dir/$from" "$vendor/$to"
    chmod 644 "$vendor/$to"
    file_lines+=("file $to $pkg $version $(sha256 "$vendor/$to")")
  done
done

{
  echo "$header"
  printf '%s\n' "${package_lines[@]}"
  echo "#"
  echo "# file <name in vendor/> <package> <version> <sha256>"
  printf '%s\n' "${file_lines[@]}"
} > "$versions"

echo "wrote $(( ${#file_lines[@]} )) files and VERSIONS to ${vendor#"$root"/}"
verify
