#!/bin/sh
# Copy the generated configuration into place, then run the daemon in the foreground.
set -eu
case "${1:-}" in
postfix)
    cp /config/postfix/mysql_*.cf /etc/postfix/
    grep -q "^# mailadmin" /etc/postfix/main.cf \
        || { echo "# mailadmin"; cat /config/postfix/main.cf.mailadmin; } >> /etc/postfix/main.cf
    chown root:postfix /etc/postfix/mysql_*.cf && chmod 0640 /etc/postfix/mysql_*.cf
    exec postfix start-fg
    ;;
dovecot)
    cp /config/dovecot/* /etc/dovecot/conf.d/ 2>/dev/null || true
    [ -f /etc/dovecot/conf.d/dovecot-sql.conf.ext ] && mv /etc/dovecot/conf.d/dovecot-sql.conf.ext /etc/dovecot/
    chown -R vmail:vmail /var/mail/virtual
    exec dovecot -F
    ;;
*)
    exec "$@"
    ;;
esac
