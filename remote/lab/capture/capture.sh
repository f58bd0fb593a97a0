#!/bin/sh
# Refreshes remote/lab/testdata/captures: what the real MailScanner 4.84.3
# and 5.5.3 print for "-v" and "--lint" on every lab profile. A development
# tool, run by hand as root; no test runs it, and no test needs the network
# or MailScanner's sources. See README.md in this directory.
#
# Usage (from the repository root, as root):
#   remote/lab/capture/capture.sh V4_GIT V5_GIT [PROFILE...]
# V4_GIT  a clone of github.com/MailScanner/v4 (any directory git can read)
# V5_GIT  a clone of github.com/MailScanner/v5
# PROFILE default: every profile of the lab that runs sshd
#
# Environment: LAB_DIR (default /var/lib/fleetlab-capture), SRC_DIR (where
# the sources are unpacked, default /var/lib/fleetlab-capture-src; both must
# be outside /tmp, which every lab host replaces), OUT (default
# remote/lab/testdata/captures), LINT_LIMIT (seconds before a lint counts as
# hung, default 150).
set -eu
V4_GIT=$1
V5_GIT=$2
shift 2
# The snapshots: 4.84.3 is the first commit of the v4 repository's history
# that holds its sources ("Snapshot of latest source as held by Jules",
# Build.tarball NUMBER=4.84.3); 5.5.3 is the v5 tag 5.5.3-2.
V4_REV=c0efac2
V5_REV=5.5.3-2
LAB_DIR=${LAB_DIR:-/var/lib/fleetlab-capture}
SRC_DIR=${SRC_DIR:-/var/lib/fleetlab-capture-src}
OUT=${OUT:-remote/lab/testdata/captures}
HERE=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || { echo "capture.sh: run as root (the lab needs it)" >&2; exit 1; }
# What a MailScanner install brings along and the lab's packages do not.
perl -MSys::SigAction -e1 2>/dev/null || {
	echo "capture.sh: real MailScanner needs Sys::SigAction: apt-get install libsys-sigaction-perl" >&2
	exit 1
}
if [ $# -eq 0 ]; then
	set -- good seed shadow rpm hang config legacy sudo lint-dies disk-full dead-dns fat-children
fi

rm -rf "$SRC_DIR"
mkdir -p "$SRC_DIR/4.84.3" "$SRC_DIR/5.5.3"
git -C "$V4_GIT" archive "$V4_REV" mailscanner | tar -x -C "$SRC_DIR/4.84.3"
git -C "$V5_GIT" archive "$V5_REV" common debian | tar -x -C "$SRC_DIR/5.5.3"
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)

go build -o "$LAB_DIR.fleetlab" ./cmd/fleetlab
for version in 4.84.3 5.5.3; do
	case $version in
	4.*) flavour=v4 src=$SRC_DIR/4.84.3/mailscanner ;;
	*) flavour=v5 src=$SRC_DIR/5.5.3 ;;
	esac
	list=
	for p in "$@"; do list="$list${list:+,}$p:$flavour"; done
	"$LAB_DIR.fleetlab" up -dir "$LAB_DIR" -profiles "$list" >/dev/null
	for p in "$@"; do
		pid=$(cat "$LAB_DIR/run/$p.sshd.pid")
		echo "capture: $version on $p" >&2
		nsenter -t "$pid" -m -u -p -- unshare -m --propagation private -- \
			env LINT_LIMIT="${LINT_LIMIT:-150}" /bin/sh "$HERE/install-run.sh" "$version" "$src" "$OUT/$version/$p" ||
			echo "capture: $version on $p failed" >&2
	done
	"$LAB_DIR.fleetlab" down -dir "$LAB_DIR" >/dev/null
done
rm -f "$LAB_DIR.fleetlab"
echo "captures in $OUT" >&2
