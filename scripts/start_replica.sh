#!/usr/bin/env bash
# Start a local streaming replica of the PostgreSQL primary at 127.0.0.1:5432: a second
# PostgreSQL cluster ("replica", port 5433) made with pg_basebackup -R, so reporting reads can
# be served from it (REPORTING_DATABASE_URL, docs/PERFORMANCE.md "The path beyond one
# primary"). Run as root on a Debian machine with postgresql-15 (the CI machine's kind).
#
# Safe to run again: a replica already streaming is left alone; one stopped is started; a
# cluster of that name that is not a standby is rebuilt from a fresh base backup.
set -euo pipefail

VERSION="${PG_VERSION:-15}"
PRIMARY_HOST="${PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
CLUSTER="${REPLICA_CLUSTER:-replica}"
DATA="/var/lib/postgresql/$VERSION/$CLUSTER"
MARK="# added by scripts/start_replica.sh"

say() { echo "start_replica: $*"; }
primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc "$1"; }
replica() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc "$1" 2>/dev/null; }
as_postgres() { runuser -u postgres -- "$@"; }
wait_for() {
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$1" && return 0; sleep 1; done
  return 1
}

if [ "$(replica 'select pg_is_in_recovery()' || true)" = "t" ]; then
  # A test run cut short may have left replay paused (test_replica.py pauses it briefly).
  if [ "$(replica 'select pg_is_wal_replay_paused()')" = "t" ]; then
    replica 'select pg_wal_replay_resume()' >/dev/null
    say "resumed replay, which was paused"
  fi
  say "a replica is already streaming on port $REPLICA_PORT"
  exit 0
fi

pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" || {
  say "the primary at $PRIMARY_HOST:$PRIMARY_PORT is not running"
  exit 1
}

# The primary must write enough WAL for a standby and accept its connections.
restart_primary=no
if [ "$(primary 'show wal_level')" = "minimal" ]; then
  primary "alter system set wal_level = 'replica'"
  restart_primary=yes
fi
if [ "$(primary 'show max_wal_senders')" -lt 2 ]; then
  primary "alter system set max_wal_senders = 10"
  restart_primary=yes
fi
# The first matching pg_hba.conf line wins, so ours goes first: replication connections from
# the loopback address only, which no outside client can use.
hba="$(primary 'show hba_file')"
if ! grep -qF "$MARK" "$hba"; then
  { echo "host replication all 127.0.0.1/32 trust $MARK"; cat "$hba"; } >"$hba.new"
  chown --reference="$hba" "$hba.new"
  chmod --reference="$hba" "$hba.new"
  mv "$hba.new" "$hba"
  primary "select pg_reload_conf()" >/dev/null
  say "allowed replication connections from 127.0.0.1 in $hba"
fi
if [ "$restart_primary" = "yes" ]; then
  say "restarting the primary for wal_level/max_wal_senders"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" main restart
  wait_for "$PRIMARY_PORT"
fi

if pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c' | grep -q .; then
  if [ -f "$DATA/standby.signal" ]; then
    say "starting the existing replica cluster $VERSION/$CLUSTER"
    cp "$hba" "/etc/postgresql/$VERSION/$CLUSTER/pg_hba.conf"
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start || true
  else
    say "cluster $VERSION/$CLUSTER is not a standby: rebuilding it"
    pg_dropcluster --stop "$VERSION" "$CLUSTER"
  fi
fi

if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c' | grep -q .; then
  say "making cluster $VERSION/$CLUSTER on port $REPLICA_PORT from a base backup"
  pg_createcluster "$VERSION" "$CLUSTER" -p "$REPLICA_PORT" >/dev/null
  # The same client authentication as the primary: a standby serves the same databases.
  cp "$hba" "/etc/postgresql/$VERSION/$CLUSTER/pg_hba.conf"
  rm -rf "${DATA:?}"/*
  # -R writes standby.signal and primary_conninfo; -X stream copies the WAL made meanwhile.
  as_postgres pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream -c fast
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
fi

wait_for "$REPLICA_PORT" || {
  say "the replica did not start; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
  exit 1
}
for _ in $(seq 1 30); do
  if [ "$(replica 'select status from pg_stat_wal_receiver')" = "streaming" ]; then
    say "replica streaming from $PRIMARY_HOST:$PRIMARY_PORT on port $REPLICA_PORT"
    exit 0
  fi
  sleep 1
done
say "the replica started but is not streaming; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
exit 1
