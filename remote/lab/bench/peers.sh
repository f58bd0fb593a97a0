#!/usr/bin/env bash
# Benchmark fleetcheck against its peers on a lab of real sshd hosts.
#
# Starts a lab of N copies of the good profile (default 50), then, alternating
# for R rounds (default 3), runs at the same parallelism:
#   fleetcheck collect         the probes of the phase
#   clush -b                   the same remote commands, one script per host
#   parallel-ssh               the same remote commands
#   ansible -m shell           the same remote commands
#   ansible -m setup           Ansible's own fact gathering (light phase)
# and prints wall time, local CPU time (user+sys, children included) and peak
# RSS of each, as medians over the rounds, with the ratio to fleetcheck.
#
# Two phases: "light" runs the cheap probes (os, mounts, perl, processes), so
# the figures measure the tools; "full" runs every default probe, whose
# remote Perl work dominates on a lab whose hosts share this machine's cores.
#
# Needs root and: apt-get install -y clustershell pssh ansible time bc
# Usage: sudo remote/lab/bench/peers.sh [HOSTS] [ROUNDS] [PHASES]
# FLEETCHECK_ARGS adds flags to fleetcheck collect, e.g. "--sessions 1": the
# peers run each host's commands in one session, and on a lab whose hosts all
# share two cores, fleetcheck's concurrent sessions per host only compete.
set -euo pipefail
hosts=${1:-50}
rounds=${2:-3}
phases=${3:-light full}
parallel=32
top=$(cd "$(dirname "$0")/../../.." && pwd)
dir=/var/lib/fleetlab-bench
work=$(mktemp -d /var/tmp/fleetcheck-bench.XXXXXX)
trap 'cd "$top"; "$work/fleetlab" down -dir "$dir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

for tool in clush parallel-ssh ansible /usr/bin/time bc; do
	command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y clustershell pssh ansible time bc" >&2; exit 2; }
done
cd "$top"
go build -o "$work/fleetcheck" ./cmd/fleetcheck
go build -o "$work/fleetlab" ./cmd/fleetlab
profiles=$(printf 'good%.0s,' $(seq "$hosts"))
"$work/fleetlab" up -dir "$dir" -profiles "${profiles%,}" >/dev/null
inv=$dir/inventory.yaml
cfg=$dir/ssh_config
names=$(awk '/^Host /{print $2}' "$cfg" | grep -v '\*' | paste -sd, -)
tr , '\n' <<<"$names" > "$work/hosts"
printf '[lab]\n%s\n[lab:vars]\nansible_user=root\nansible_ssh_common_args=-F %s -o ControlMaster=no\n' \
	"$(cat "$work/hosts")" "$cfg" > "$work/ansible.ini"
export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_PYTHON_INTERPRETER=auto_silent ANSIBLE_STDOUT_CALLBACK=minimal

run() { # phase name command...
	local phase=$1 name=$2; shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >"$work/out.$phase.$name" 2>&1 || true
	read -r wall user sys rss < <(tail -1 "$work/t")
	echo "$name $wall $(echo "$user + $sys" | bc) $rss" >> "$work/results.$phase"
}

report() { # phase
	echo
	echo "phase $1: $hosts hosts, parallelism $parallel, median of $rounds rounds"
	printf '%-14s %9s %9s %10s %8s %8s\n' tool wall_s cpu_s rss_mb wall_x cpu_x
	awk '
		{ n[$1]++; w[$1, n[$1]] = $2; c[$1, n[$1]] = $3; m[$1, n[$1]] = $4; if (!($1 in ord)) { ord[$1] = ++k; name[k] = $1 } }
		function median(a, t, cnt,   i, j, v, tmp) {
			for (i = 1; i <= cnt; i++) v[i] = a[t, i]
			for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (v[j] < v[i]) { tmp = v[i]; v[i] = v[j]; v[j] = tmp }
			return v[int((cnt + 1) / 2)]
		}
		END {
			fw = median(w, "fleetcheck", n["fleetcheck"]); fc = median(c, "fleetcheck", n["fleetcheck"])
			for (i = 1; i <= k; i++) {
				t = name[i]; mw = median(w, t, n[t]); mc = median(c, t, n[t]); mm = median(m, t, n[t])
				printf "%-14s %9.2f %9.2f %10.1f %8.2f %8.2f\n", t, mw, mc, mm / 1024, mw / fw, mc / fc
			}
		}' "$work/results.$1"
}

for phase in $phases; do
	want=""
	[ "$phase" = light ] && want="os,mounts,perl,processes"
	# The same remote commands fleetcheck's probes run, one script per host:
	# each probe in a subshell (they end with exit), stdin from /dev/null
	# (the script itself arrives on sh -s's stdin).
	"$work/fleetcheck" probes -v | awk -v want="$want" '
		BEGIN { n = split(want, w, ","); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
		/^[a-z_]/ { if (open) print ") </dev/null"; open = 0; on = (want == "" || ($1 in keep)); if (on) { print "("; open = 1 }; next }
		on { sub(/^    /, ""); print }
		END { if (open) print ") </dev/null" }' > "$work/probes.$phase.sh"
	script=$(cat "$work/probes.$phase.sh")
	fcargs=(collect -i "$inv" --store "$work/runs" --parallel "$parallel")
	[ -n "$want" ] && fcargs+=(--probes "$want")
	# shellcheck disable=SC2206
	fcargs+=(${FLEETCHECK_ARGS:-})
	for _ in $(seq "$rounds"); do
		run "$phase" fleetcheck "$work/fleetcheck" "${fcargs[@]}"
		run "$phase" clush clush -b -f "$parallel" -w "$names" -o "-F $cfg" "sh -s" < "$work/probes.$phase.sh"
		run "$phase" pssh parallel-ssh -h "$work/hosts" -p "$parallel" -x "-F $cfg" -I -i "sh -s" < "$work/probes.$phase.sh"
		run "$phase" ansible-shell ansible lab -i "$work/ansible.ini" -f "$parallel" -m shell -a "$script"
		if [ "$phase" = light ]; then
			run "$phase" ansible-setup ansible lab -i "$work/ansible.ini" -f "$parallel" -m setup
		fi
	done
	report "$phase"
done
