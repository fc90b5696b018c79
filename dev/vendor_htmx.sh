#!/usr/bin/env bash
# Fetches htmx (the dashboard's partial updates) from the npm registry into
# src/immersio_booking/web/static/vendor/htmx.min.js, pinned: the exact version, the package's
# integrity (sha512, as the registry publishes it) and the file's own sha256 are checked before
# the file is put in place. Without npm it says so and stops: the dashboard works without htmx
# (every form posts and reloads), only its partial updates are missing.
set -euo pipefail
VERSION="2.0.11"
INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
FILE_SHA256="d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
TARGET="src/immersio_booking/web/static/vendor/htmx.min.js"

sha256_of() { python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

if [[ -f "$TARGET" && "$(sha256_of "$TARGET")" == "$FILE_SHA256" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: htmx $VERSION not fetched; the dashboard works without it (no partial updates)."
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$VERSION" >/dev/null)
tarball="$work/htmx.org-$VERSION.tgz"
actual="sha512-$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$tarball")"
if [[ "$actual" != "$INTEGRITY" ]]; then
  echo "htmx.org@$VERSION: the package's integrity differs from the pinned one; not installed." >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/dist/htmx.min.js
if [[ "$(sha256_of "$work/package/dist/htmx.min.js")" != "$FILE_SHA256" ]]; then
  echo "htmx.org@$VERSION: dist/htmx.min.js differs from the pinned sha256; not installed." >&2
  exit 1
fi
mkdir -p "$(dirname "$TARGET")"
install -m 0644 "$work/package/dist/htmx.min.js" "$TARGET"
echo "htmx $VERSION vendored into $TARGET"
