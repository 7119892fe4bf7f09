#!/usr/bin/env bash
# Install the Debian packages a target needs, only those missing. Usage:
#   scripts/install-system-deps.sh build     # to build mysqlclient (make run)
#   scripts/install-system-deps.sh test      # + MariaDB client, mail stack, Chromium, npm (make test)
set -euo pipefail

build=(python3-venv default-libmysqlclient-dev pkg-config gcc python3-dev gettext)  # gettext: compilemessages
test=(mariadb-client postfix postfix-mysql courier-authdaemon courier-authlib-mysql
      dovecot-core dovecot-imapd dovecot-mysql swaks chromium wrk acl)

test+=(nodejs)  # the browser tests' axe-core, installed by npm ci
packages=("${build[@]}")
[ "${1:-build}" = test ] && packages+=("${test[@]}")
# npm (for the browser tests' axe-core) may come with Node.js itself rather than Debian's package.
[ "${1:-build}" = test ] && ! command -v npm >/dev/null && packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Postfix must not ask questions nor configure itself for the Internet.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string mailadmin.test" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
