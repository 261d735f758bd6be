#!/bin/sh
# `make test` drives Debian's chromium for the browser tests (Playwright's own browser download cannot run on
# these machines): installed here when missing and we are root, otherwise a clear stop.
set -e
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  exit 0
fi
echo "The browser tests need Debian's chromium at /usr/bin/chromium." >&2
echo "Install it with: sudo apt-get install chromium   (or run make test as root, which installs it)" >&2
exit 1
