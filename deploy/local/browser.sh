# shellcheck shell=bash
# deploy/local/browser.sh: the browser the console's tests drive (tests/Platform.IntegrationTests/Console, Playwright
# for .NET launching Debian's chromium: Playwright's own browser download is not used). fonts-noto-cjk gives the pages'
# Chinese text real glyphs in screenshots instead of boxes. Sourced by ./platform after common.sh; `./platform test`
# calls ensure_browser before the tests run.

# Where the tests launch chromium (their ExecutablePath; the Debian package chromium puts it there).
PLATFORM_CHROMIUM=/usr/bin/chromium

# True when the Debian package NAME is installed (dpkg's own record, not a guess from files).
deb_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

# Install chromium and fonts-noto-cjk with apt when either is missing (apt-get update once first, by apt_install).
# Quick and offline when both are there: no apt at all.
ensure_browser() {
  local missing=()
  [[ -x $PLATFORM_CHROMIUM ]] || missing+=(chromium)
  deb_installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
  [[ ${#missing[@]} -gt 0 ]] || return 0
  apt_install "${missing[@]}"
  [[ -x $PLATFORM_CHROMIUM ]] || die "chromium is still missing after install ($PLATFORM_CHROMIUM)"
}
