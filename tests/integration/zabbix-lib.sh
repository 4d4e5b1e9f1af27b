# shellcheck shell=bash
# SPDX-License-Identifier: ISC
#
# zabbix-lib.sh - a private Zabbix 6.0 server for tests/integration/zabbix-*.sh:
# PostgreSQL (initdb in the test's temp dir, run as the unprivileged user
# "postgres"), Debian's zabbix_server with a private config, and the PHP
# frontend's JSON-RPC API served by `php -S` from a copy of /usr/share/zabbix
# with a generated zabbix.conf.php.  Everything listens on 127.0.0.1 ports,
# lives in $VDS_TMP and is started as a VDS_PIDS entry, so lib.sh's cleanup
# stops it by PID on success and failure alike.  Source after lib.sh.
#
# zbx_require: skip (77) loudly when a package is missing.
# zbx_start: database, schema, server, API; then zbx_api METHOD PARAMS_JSON
# prints the "result" (fails the test on an API error).

ZBX_PKGS="zabbix-server-pgsql zabbix-frontend-php php-pgsql php-cli postgresql"
ZBX_SQL=/usr/share/zabbix-server-pgsql
ZBX_WEB=/usr/share/zabbix
ZBX_PGBIN=
ZBX_DB_PORT=
ZBX_SERVER_PORT=
ZBX_API_PORT=
ZBX_AUTH=
ZBX_DIR=$VDS_TMP/zabbix
ZBX_TRAPS=$VDS_TMP/zabbix/snmptraps.log

zbx_require() {
	local c
	ZBX_PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	for c in /usr/sbin/zabbix_server php curl jq setpriv "$ZBX_PGBIN/initdb" "$ZBX_PGBIN/postgres"; do
		command -v "$c" >/dev/null 2>&1 ||
			skip "$c is missing: install $ZBX_PKGS (tests/install-deps.sh zabbix)"
	done
	[ -f "$ZBX_SQL/schema.sql.gz" ] && [ -f "$ZBX_WEB/api_jsonrpc.php" ] ||
		skip "zabbix-server-pgsql / zabbix-frontend-php files are missing: install $ZBX_PKGS"
	php -m 2>/dev/null | grep -x pgsql >/dev/null || skip "php has no pgsql module: install php-pgsql"
	getent passwd postgres >/dev/null || skip "no user postgres to run PostgreSQL as"
	[ "$(id -u)" -eq 0 ] || skip "needs root (to run PostgreSQL as the user postgres)"
}

# A TCP port on 127.0.0.1 nobody listens on right now, in 20000-32767
# (zabbix_server takes no ListenPort above 32767).
zbx_free_tcp_port() {
	local p hex i
	for ((i = 0; i < 500; i++)); do
		p=$((20000 + RANDOM % 12768))
		hex=$(printf ':%04X ' "$p")
		grep -qi "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null && continue
		[ "$p" = "${ZBX_DB_PORT:-}" ] || [ "$p" = "${ZBX_SERVER_PORT:-}" ] && continue
		echo "$p"
		return 0
	done
	return 1
}

zbx_psql() { # SQL args for psql as the superuser, through the private socket
	setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups -- \
		"$ZBX_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$ZBX_DIR/pgsock" -p "$ZBX_DB_PORT" \
		-U postgres "$@"
}
zbx_db_up() { zbx_psql -d postgres -c 'select 1' >/dev/null 2>&1; }

zbx_start_db() {
	local pid try
	# postgres must reach its files inside the root-only temp dir
	chmod 711 "$VDS_TMP"
	mkdir -p "$ZBX_DIR/pg" "$ZBX_DIR/pgsock"
	chown postgres: "$ZBX_DIR/pg" "$ZBX_DIR/pgsock"
	chmod 700 "$ZBX_DIR/pg"
	setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups -- \
		"$ZBX_PGBIN/initdb" -D "$ZBX_DIR/pg" -U postgres -A trust -E UTF8 --no-sync \
		--locale=C >"$ZBX_DIR/initdb.log" 2>&1 || fail "initdb: $(tail -n 5 "$ZBX_DIR/initdb.log")"
	for try in 1 2 3; do
		ZBX_DB_PORT=$(zbx_free_tcp_port) || fail "no free TCP port"
		# setpriv execs: $! is the postmaster itself
		setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups -- \
			"$ZBX_PGBIN/postgres" -D "$ZBX_DIR/pg" -h 127.0.0.1 -p "$ZBX_DB_PORT" \
			-k "$ZBX_DIR/pgsock" -c fsync=off -c synchronous_commit=off \
			-c full_page_writes=off -c shared_buffers=64MB \
			>>"$VDS_TMP/postgres.log" 2>&1 &
		pid=$!
		VDS_PIDS["postgres"]=$pid
		if wait_for 120000 zbx_db_up; then
			note "postgres pid $pid on 127.0.0.1:$ZBX_DB_PORT"
			return 0
		fi
		vds_kill_pid postgres
	done
	fail "PostgreSQL does not start"
}

zbx_load_schema() {
	local f t0
	t0=$(now_ms)
	zbx_psql -d postgres -c 'create database zabbix' || fail "create database"
	# Debian's order for a new database: schema, images, data
	for f in schema images data; do
		zcat "$ZBX_SQL/$f.sql.gz" | zbx_psql -d zabbix >>"$ZBX_DIR/schema.log" 2>&1 ||
			fail "loading $f.sql.gz: $(tail -n 5 "$ZBX_DIR/schema.log")"
	done
	note "Zabbix schema loaded in $(($(now_ms) - t0)) ms"
}

zbx_server_up() {
	kill -0 "${VDS_PIDS[zabbix_server]}" 2>/dev/null ||
		fail "zabbix_server exited: $(tail -n 5 "$VDS_TMP/zabbix_server.out" "$VDS_TMP/zabbix_server.log" 2>&1)"
	grep -q 'server #0 started \[main process\]' "$VDS_TMP/zabbix_server.log" 2>/dev/null
}

zbx_start_server() {
	local pid
	mkdir -p "$ZBX_DIR/sock" "$ZBX_DIR/tmp"
	: >"$ZBX_TRAPS"
	ZBX_SERVER_PORT=$(zbx_free_tcp_port) || fail "no free TCP port"
	# Few processes (2 shared cores); the configuration cache is reread
	# every 2 s so what the API creates is polled without waiting a minute.
	cat >"$ZBX_DIR/zabbix_server.conf" <<EOF
ListenIP=127.0.0.1
ListenPort=$ZBX_SERVER_PORT
LogFile=$VDS_TMP/zabbix_server.log
LogFileSize=0
DebugLevel=3
PidFile=$ZBX_DIR/zabbix_server.pid
SocketDir=$ZBX_DIR/sock
TmpDir=$ZBX_DIR/tmp
DBHost=127.0.0.1
DBPort=$ZBX_DB_PORT
DBName=zabbix
DBUser=postgres
AllowRoot=1
CacheUpdateFrequency=2
HousekeepingFrequency=0
StartPollers=2
StartPollersUnreachable=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTrappers=2
StartAlerters=1
StartEscalators=1
StartLLDProcessors=1
StartPreprocessors=2
StartReportWriters=0
StartSNMPTrapper=1
SNMPTrapperFile=$ZBX_TRAPS
UnreachablePeriod=45
UnavailableDelay=10
UnreachableDelay=5
Timeout=4
EOF
	# its own process group (setsid execs: $! is the main process and the
	# group's id), so that zbx_stop_server reaches every child it forks
	MIBS='' MIBDIRS=$VDS_TMP/snmpconf setsid /usr/sbin/zabbix_server -f \
		-c "$ZBX_DIR/zabbix_server.conf" >>"$VDS_TMP/zabbix_server.out" 2>&1 &
	pid=$!
	VDS_PIDS[zabbix_server]=$pid
	ZBX_SERVER_PGID=$pid
	wait_for 180000 zbx_server_up || fail "zabbix_server did not start within 180 s"
	kill -0 "$pid" 2>/dev/null || fail "zabbix_server exited"
	note "zabbix_server pid $pid on 127.0.0.1:$ZBX_SERVER_PORT"
}

# PostgreSQL's fast shutdown (INT: it disconnects the sessions; TERM would
# wait for them, and a zabbix_server child left behind keeps one), then an
# immediate one (QUIT) after 60 s.
zbx_stop_db() { vds_kill_pid postgres INT QUIT 60; }

# TERM to the server's process group, KILL to what is left after 60 s.
ZBX_SERVER_PGID=
zbx_stop_server() {
	local pid=$ZBX_SERVER_PGID i
	[ -n "$pid" ] || return 0
	ZBX_SERVER_PGID=
	unset "VDS_PIDS[zabbix_server]"
	kill -TERM -- "-$pid" 2>/dev/null
	for ((i = 0; i < 600; i++)); do
		kill -0 -- "-$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

zbx_api_up() {
	curl -s -m 10 -H 'Content-Type: application/json-rpc' \
		-d '{"jsonrpc":"2.0","method":"apiinfo.version","params":{},"id":1}' \
		"http://127.0.0.1:$ZBX_API_PORT/api_jsonrpc.php" 2>/dev/null | grep "\"result\"" >/dev/null
}

zbx_start_api() {
	local pid try
	# A private copy of the frontend reading our zabbix.conf.php (Debian's
	# frontend reads /etc/zabbix/zabbix.conf.php).
	cp -a "$ZBX_WEB" "$ZBX_DIR/web" || fail "copying $ZBX_WEB"
	sed -i "s|'/etc/zabbix/zabbix.conf.php'|'$ZBX_DIR/zabbix.conf.php'|" \
		"$ZBX_DIR/web/include/classes/core/CConfigFile.php"
	grep -q "$ZBX_DIR/zabbix.conf.php" "$ZBX_DIR/web/include/classes/core/CConfigFile.php" ||
		fail "the frontend copy does not read the private zabbix.conf.php"
	cat >"$ZBX_DIR/zabbix.conf.php" <<EOF
<?php
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '127.0.0.1';
\$DB['PORT'] = '$ZBX_DB_PORT';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER'] = 'postgres';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['ENCRYPTION'] = false;
\$DB['KEY_FILE'] = '';
\$DB['CERT_FILE'] = '';
\$DB['CA_FILE'] = '';
\$DB['VERIFY_HOST'] = false;
\$DB['CIPHER_LIST'] = '';
\$DB['VAULT_URL'] = '';
\$DB['VAULT_DB_PATH'] = '';
\$DB['VAULT_TOKEN'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER = '127.0.0.1';
\$ZBX_SERVER_PORT = '$ZBX_SERVER_PORT';
\$ZBX_SERVER_NAME = 'vdsd test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
	for try in 1 2 3; do
		ZBX_API_PORT=$(zbx_free_tcp_port) || fail "no free TCP port"
		php -d memory_limit=512M -d max_execution_time=300 -d post_max_size=16M \
			-S "127.0.0.1:$ZBX_API_PORT" -t "$ZBX_DIR/web" >>"$VDS_TMP/php.log" 2>&1 &
		pid=$!
		VDS_PIDS["php"]=$pid
		if wait_for 120000 zbx_api_up && kill -0 "$pid" 2>/dev/null; then
			note "Zabbix API (php -S pid $pid) on http://127.0.0.1:$ZBX_API_PORT/"
			return 0
		fi
		vds_kill_pid php
	done
	fail "the Zabbix API does not answer"
}

# zbx_api METHOD PARAMS_JSON: the call's "result" (JSON) on stdout; an API
# error fails the test.
zbx_api() {
	local req out
	req=$(jq -cn --arg m "$1" --argjson p "$2" --arg a "$ZBX_AUTH" \
		'{jsonrpc: "2.0", method: $m, params: $p, id: 1} + (if $a == "" then {} else {auth: $a} end)') ||
		fail "zbx_api $1: bad params $2"
	out=$(curl -s -m 120 -H 'Content-Type: application/json-rpc' --data-binary "$req" \
		"http://127.0.0.1:$ZBX_API_PORT/api_jsonrpc.php") || fail "zbx_api $1: curl failed"
	if ! jq -e 'has("result")' >/dev/null 2>&1 <<<"$out"; then
		fail "zbx_api $1: $(jq -c '.error // .' <<<"$out" 2>/dev/null || printf '%s' "$out" | head -c 2000)"
	fi
	jq -c .result <<<"$out"
}

zbx_login() {
	ZBX_AUTH=
	ZBX_AUTH=$(zbx_api user.login '{"username":"Admin","password":"zabbix"}' | jq -r .)
	[ -n "$ZBX_AUTH" ] || fail "user.login gave no token"
}

zbx_start() {
	# on exit: the API and the server before their database
	vds_on_exit zbx_stop_db
	vds_on_exit zbx_stop_server
	vds_on_exit 'vds_kill_pid php'
	zbx_start_db
	zbx_load_schema
	zbx_start_server
	zbx_start_api
	zbx_login
}
