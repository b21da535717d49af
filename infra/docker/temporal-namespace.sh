#!/bin/sh
# docker-compose's Temporal setup job (admin-tools image), once the server answers: the
# namespace with Tideflow's retention (TIDEFLOW_RETENTION_DAYS, default 30 as in `npm start`;
# Temporal's own default is 1 day, after which `runs list` forgets runs), then Tideflow's search
# attributes (core/search-attributes.ts). Idempotent; the retention is updated when it changed.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${TIDEFLOW_RETENTION_DAYS:?}"
# The CLI may resolve the service name to an address the server does not listen on (IPv6): use its IPv4 address.
host="${TEMPORAL_ADDRESS%:*}"; port="${TEMPORAL_ADDRESS##*:}"
ip="$(getent ahosts "$host" | awk '$2 == "STREAM" && $1 ~ /^[0-9.]+$/ { print $1; exit }')"
if [ -n "$ip" ]; then TEMPORAL_ADDRESS="$ip:$port"; export TEMPORAL_ADDRESS; fi
until temporal operator cluster health 2>/dev/null | grep -q SERVING; do
  echo "waiting for Temporal at $TEMPORAL_ADDRESS"; sleep 2
done
# In hours: every CLI version parses them.
RETENTION="$((TIDEFLOW_RETENTION_DAYS * 24))h"
if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace update --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION"
else
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION"
fi
until temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; do sleep 1; done
for attr in TideflowDag=Keyword TideflowLogicalDate=Datetime TideflowTrigger=Keyword; do
  name="${attr%%=*}"; type="${attr#*=}"
  if temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $TEMPORAL_NAMESPACE ready (retention $RETENTION)"
