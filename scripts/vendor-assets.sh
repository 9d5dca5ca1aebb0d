#!/usr/bin/env bash
# Vendors the front-end packages pinned in package.json into the static folder.
#
# Packages are fetched from the npm registry with `npm pack` (a tarball, no node_modules, no
# install scripts run) and only the files the pages use are copied, with their licences, so
# the repository stays small and the site never loads anything from a CDN.
# Usage: scripts/vendor-assets.sh   (then review `git diff --stat` and update the README's table)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/src/spaceforchange/web/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

version_of() {
  node -p "require('$ROOT/package.json').devDependencies['$1']"
}

unpack() { # name version -> prints the unpacked package folder
  local name="$1" version="$2" tarball
  tarball="$(cd "$WORK" && npm pack --silent "$name@$version" | tail -n 1)"
  mkdir -p "$WORK/$name"
  tar -xzf "$WORK/$tarball" -C "$WORK/$name"
  echo "$WORK/$name/package"
}

vendor_uswds() {
  local version src dest
  version="$(version_of @uswds/uswds)"
  src="$(unpack @uswds/uswds "$version")"
  dest="$VENDOR/uswds"
  rm -rf "$dest"
  mkdir -p "$dest/css" "$dest/js" "$dest/img"
  cp "$src/dist/css/uswds.min.css" "$dest/css/"
  cp "$src/dist/js/uswds.min.js" "$dest/js/"
  cp "$src/dist/img/sprite.svg" "$dest/img/"
  cp "$src/LICENSE.md" "$dest/LICENSE.md"
  # The source maps are not vendored, so drop the comments that point at them.
  sed -i '/sourceMappingURL=/d' "$dest/css/uswds.min.css" "$dest/js/uswds.min.js"
  # Only the fonts and images the compiled stylesheet refers to (the full dist is ~20 MB).
  grep -o 'url(\.\./[^)]*)' "$src/dist/css/uswds.min.css" | sed -e 's/^url(\.\.\///' -e 's/)$//' | sort -u |
    while read -r asset; do
      mkdir -p "$dest/$(dirname "$asset")"
      cp "$src/dist/$asset" "$dest/$asset"
    done
  echo "@uswds/uswds $version -> $dest"
}

vendor_htmx() {
  local version src dest
  version="$(version_of htmx.org)"
  src="$(unpack htmx.org "$version")"
  dest="$VENDOR/htmx"
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$src/dist/htmx.min.js" "$dest/"
  cp "$src/LICENSE" "$dest/LICENSE"
  echo "htmx.org $version -> $dest"
}

vendor_uswds
vendor_htmx
