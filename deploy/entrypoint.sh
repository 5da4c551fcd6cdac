#!/usr/bin/env bash
# Starts one part of Kluis in the foreground: deploy/entrypoint.sh <part>
# (or sets up the parts' broker accounts: deploy/entrypoint.sh broker-accounts [--rotate])
# A service first brings its own database to the newest revision (URL from
# <PART>_DB_URL, else a SQLite file under $KLUIS_VAR) and declares the queues, then
# runs. `exec` makes the part the process that receives SIGTERM, so that nameko stops
# gracefully.
set -euo pipefail

usage() {
    echo "usage: $0 identity|dossier|documents|notify|signing|gateway|mailsink" >&2
    echo "       $0 broker-accounts [--rotate|--remove]" >&2
    exit 2
}

[ "$#" -ge 1 ] || usage
part="$1"
shift
[ "$#" -eq 0 ] || [ "$part" = broker-accounts ] || usage

# Paths below are relative to the repository root (/app in the image).
cd "$(dirname "$0")/.."

case "$part" in
    identity|dossier|documents|notify|signing)
        python -m services.common.migrate "$part"
        if [ "$part" = identity ]; then
            # Creates the admin from KLUIS_ADMIN_EMAIL / KLUIS_ADMIN_PASSWORD if absent.
            python -m services.identity.bootstrap
        fi
        # Declare every consumer queue before this service can publish: an event sent
        # to an exchange with no queue bound is lost. Idempotent; every service does it
        # because compose starts them in no particular order. With broker accounts
        # (KLUIS_DECLARE_QUEUES=0) the set-up declared them with the admin's account:
        # a service's own account may not declare another's queues.
        if [ "${KLUIS_DECLARE_QUEUES:-1}" != 0 ]; then
            python -m services.common.topology
        fi
        exec python -m services.common.nameko_cli run --config "services/$part/config.yaml" "services.$part.service:${part^}Service"
        ;;
    gateway)
        exec python -m services.common.nameko_cli run --config gateway/config.yaml gateway.service:GatewayService
        ;;
    broker-accounts)
        # One RabbitMQ user per part (docs/operations.md "Broker accounts").
        exec python -m deploy.broker_accounts "$@"
        ;;
    mailsink)
        # Local SMTP sink: every message becomes a file in the Maildir $KLUIS_VAR/mail.
        var="${KLUIS_VAR:-./var}"
        mkdir -p "$var"
        exec python -m aiosmtpd -n -c aiosmtpd.handlers.Mailbox "$var/mail" -l 0.0.0.0:8025
        ;;
    *)
        usage
        ;;
esac
