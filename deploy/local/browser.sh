# shellcheck shell=bash
# deploy/local/browser.sh: the browser the console's tests drive (tests/Platform.IntegrationTests/Console, Playwright
# for .NET launching Debian's chromium: Playwright's own browser download is not used). fonts-noto-cjk gives the pages'
# Chinese text real glyphs in screenshots instead of boxes; chromium-l10n gives the browser its Chinese interface, so the
# date and month inputs it draws itself read 2026年12月 as on an official's own browser (launched with --lang=zh-CN). Sourced by ./platform after common.sh; `./platform test`
# calls ensure_browser before the tests run.

# Where the tests launch chromium (their ExecutablePath; the Debian package chromium puts it there).
PLATFORM_CHROMIUM=/usr/bin/chromium

# True when the Debian package NAME is installed (dpkg's own record, not a guess from files).
deb_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

# Install chromium, chromium-l10n and fonts-noto-cjk with apt when any is missing (apt-get update once first, by
# apt_install). Quick and offline when all are there: no apt at all.
ensure_browser() {
  local missing=()
  [[ -x $PLATFORM_CHROMIUM ]] || missing+=(chromium)
  deb_installed chromium-l10n || missing+=(chromium-l10n)
  deb_installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
  [[ ${#missing[@]} -gt 0 ]] || return 0
  apt_install "${missing[@]}"
  [[ -x $PLATFORM_CHROMIUM ]] || die "chromium is still missing after install ($PLATFORM_CHROMIUM)"
}
