#!/usr/bin/env bash
# Measure the CPU an audit costs the audited host, side by side with the
# peers' script, on a lab of real sshd hosts.
#
# Starts a lab of N good hosts (default 2) and one seed host, then, for R
# rounds (default 3), measures on every host:
#   full      fleetcheck collect of every default probe
#   peers     the peers' script over ssh: MailScanner -v, mount, and the
#             package queries fleetcheck's packages probe makes there
#             (rpm -qa when the host has an RPM database, dpkg-query -W
#             when it has dpkg's: both on a lab host playing an RPM install)
#   PROBE     fleetcheck collect --probes PROBE, for each probe alone, and
#             the pair perl_modules+mailscanner_version (which share work)
#   login     ssh HOST true
# and prints, per host profile, the median CPU seconds of each and the ratio
# full / peers (the target is at most 2.5).
#
# How CPU is counted: each lab host is an sshd that is PID 1 of its own PID
# namespace; before measuring, that sshd is moved into a cgroup of its own
# (cgroup v1 cpuacct, or v2 cpu.stat), which every process it forks
# afterwards inherits: the per-connection sshd (key exchange, ciphers), the
# shells, MailScanner, perl, rpm. The cgroup's CPU counter (user + system,
# in nanoseconds, kept for processes that have exited) is read before and
# after each command, so the figure is exactly the CPU the host spent on
# that command, whatever else the machine runs. The coordinator's own CPU
# (fleetcheck, ssh) is not on the host and is not counted.
#
# Each host's root also gets an empty home directory (a bind mount inside
# that host's own mount namespace): the lab's root is this machine's, and a
# development machine's ~/.bashrc (pyenv, conda) can cost more CPU per SSH
# session than the whole audit; a mail gateway's root runs no such thing.
# The row "login" is one "ssh HOST true": the connection and login shell
# that every session of either side pays.
#
# Needs root. Usage: sudo remote/lab/bench/remotecpu.sh [GOOD_HOSTS] [ROUNDS]
set -euo pipefail
good=${1:-2}
rounds=${2:-3}
top=$(cd "$(dirname "$0")/../../.." && pwd)
dir=/var/lib/fleetlab-remotecpu
work=$(mktemp -d /var/tmp/fleetcheck-remotecpu.XXXXXX)
if [ -d /sys/fs/cgroup/cpuacct ]; then
	cgroot=/sys/fs/cgroup/cpuacct/fleetcheck-remotecpu.$$
	usage() { cat "$1/cpuacct.usage"; }
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	cgroot=/sys/fs/cgroup/fleetcheck-remotecpu.$$
	usage() { awk '$1 == "usage_usec" { printf "%d000\n", $2 }' "$1/cpu.stat"; }
else
	echo "no cgroup cpuacct (v1) or cgroup2 hierarchy under /sys/fs/cgroup" >&2
	exit 2
fi
cleanup() {
	cd "$top"
	"$work/fleetlab" down -dir "$dir" >/dev/null 2>&1 || true
	sleep 1
	for g in "$cgroot"/*/; do [ -d "$g" ] && rmdir "$g" 2>/dev/null || true; done
	rmdir "$cgroot" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

cd "$top"
go build -o "$work/fleetcheck" ./cmd/fleetcheck
go build -o "$work/fleetlab" ./cmd/fleetlab
profiles=$(printf 'good%.0s,' $(seq "$good"))seed
"$work/fleetlab" up -dir "$dir" -profiles "$profiles" >"$work/lab.txt"
inv=$dir/inventory.yaml
cfg=$dir/ssh_config
# HOST PROFILE lines of the lab's table.
awk '$1 == "HOST" { t = 1; next } t && NF == 0 { exit } t { print $1, $2 }' "$work/lab.txt" >"$work/hosts"
mkdir "$cgroot" "$work/root"
chmod 700 "$work/root"
while read -r h _; do
	pid=$(cat "$dir/run/$h.sshd.pid")
	nsenter -t "$pid" -m -- mount --bind "$work/root" /root
	mkdir "$cgroot/$h"
	echo "$pid" >"$cgroot/$h/cgroup.procs"
done <"$work/hosts"

# The peers' script of each host: MailScanner -v, mount, and the package
# queries fleetcheck's packages probe makes there, read from what the probe
# printed ("@@fc rpm DB" and "@@fc dpkg" section lines).
"$work/fleetcheck" collect -i "$inv" --store "$work/runs" --probes packages --record "$work/rec" >/dev/null 2>&1
while read -r h _; do
	{
		printf 'LC_ALL=C; export LC_ALL\nMailScanner -v\nmount\n'
		sed -n 's|^@@fc rpm \(/[A-Za-z0-9/._-]*\)$|rpm --dbpath \1 -qa|p; s|^@@fc dpkg$|dpkg-query -W|p' "$work/rec/$h/packages.out"
	} >"$work/peers.$h.sh"
	grep -q -- '-qa\|-W' "$work/peers.$h.sh" || { echo "$h: no package query in fleetcheck's packages probe" >&2; exit 1; }
done <"$work/hosts"

measure() { # name command...: one line "name host cpu_seconds" per host
	local name=$1 h before
	shift
	declare -A before
	while read -r h _; do before[$h]=$(usage "$cgroot/$h"); done <"$work/hosts"
	"$@" >>"$work/out.log" 2>&1 || true
	while read -r h _; do
		echo "$name $h $(( $(usage "$cgroot/$h") - ${before[$h]} ))" >>"$work/results"
	done <"$work/hosts"
}
login() {
	local h
	while read -r h _; do ssh -F "$cfg" -n "$h" true & done <"$work/hosts"
	wait
}
peers() {
	local h
	while read -r h _; do ssh -F "$cfg" "$h" sh -s <"$work/peers.$h.sh" >"$work/peers.$h.out" 2>&1 & done <"$work/hosts"
	wait
}
collect() { "$work/fleetcheck" collect -i "$inv" --store "$work/runs" "$@"; }

probes=$("$work/fleetcheck" probes | awk '/^[a-z_]/ { print $1 }')
for _ in $(seq "$rounds"); do
	measure login login
	measure full collect
	measure peers peers
	for p in $probes perl_modules,mailscanner_version; do
		measure "$p" collect --probes "$p"
	done
done

echo "CPU seconds spent on each host (cgroup of its sshd), median of $rounds rounds"
awk -v hosts="$work/hosts" '
	BEGIN { while ((getline l < hosts) > 0) { split(l, f, " "); prof[f[1]] = f[2] } }
	{ k = $1 SUBSEP prof[$2]; n[k]++; v[k, n[k]] = $3 / 1e9
	  if (!($1 in seen)) { seen[$1] = 1; names[++nn] = $1 }
	  if (!(prof[$2] in pseen)) { pseen[prof[$2]] = 1; profs[++np] = prof[$2] } }
	function median(k,   i, j, a, t, c) {
		c = n[k]; for (i = 1; i <= c; i++) a[i] = v[k, i]
		for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	}
	END {
		printf "%-36s", "measurement"; for (j = 1; j <= np; j++) printf " %10s", profs[j]; print ""
		for (i = 1; i <= nn; i++) {
			printf "%-36s", names[i]
			for (j = 1; j <= np; j++) printf " %10.3f", median(names[i] SUBSEP profs[j])
			print ""
		}
		printf "%-36s", "ratio full/peers"
		for (j = 1; j <= np; j++) printf " %10.2f", median("full" SUBSEP profs[j]) / median("peers" SUBSEP profs[j])
		print ""
	}' "$work/results"
