#!/bin/sh
# fleetlab host start-up. Run by remote/lab as
#   unshare --mount --uts --pid --fork --kill-child --mount-proc \
#           --propagation private -- /bin/sh host-start.sh HOSTDIR
# It is already inside the host's own mount, UTS and PID namespaces: every
# mount below is private to this host and vanishes with its last process.
# It gives the host its own /tmp (tmpfs, noexec on the seed profile), /etc
# additions (a read-only layer: MailScanner.conf, users, sudoers, rpm
# macros), /usr/sbin layer (MailScanner), writable /usr/local (Perl site
# directories, /usr/local/sbin), /run, /var/log, /home, RPM database and a
# ClamAV database layer (the EICAR signature in /var/lib/clamav), then
# becomes the host's sshd: PID 1 of the host, so that killing it ends
# every process of the host.
set -eu
H=$1
. "$H/host.env"

hostname "$LAB_HOSTNAME"
mount -t tmpfs -o "$LAB_TMP_OPTIONS" fleetlab-tmp /tmp
mount -t overlay fleetlab-etc -o "lowerdir=$H/layers/etc:/etc" /etc
mount -t overlay fleetlab-sbin -o "lowerdir=$H/layers/sbin:/usr/sbin" /usr/sbin
mount -t overlay fleetlab-local -o "lowerdir=/usr/local,upperdir=$H/upper/local,workdir=$H/work/local" /usr/local
mount -t overlay fleetlab-run -o "lowerdir=/run,upperdir=$H/upper/run,workdir=$H/work/run" /run
mount -t overlay fleetlab-log -o "lowerdir=/var/log,upperdir=$H/upper/log,workdir=$H/work/log" /var/log
mount -t overlay fleetlab-home -o "lowerdir=/home,upperdir=$H/upper/home,workdir=$H/work/home" /home
mount --bind "$H/rpmdb" /var/lib/rpm
[ -d /var/lib/clamav ] && mount -t overlay fleetlab-clamav -o "lowerdir=$H/layers/clamav:/var/lib/clamav" /var/lib/clamav

# disk-full: the host's own /tmp, full.
if [ -n "${LAB_FILL_TMP:-}" ]; then
	dd if=/dev/zero of=/tmp/.fleetlab-fill bs=64k 2>/dev/null || true
fi
# dns: a UDP socket on the host's address, port 53, that never reads.
if [ -n "${LAB_DNS_SINK:-}" ]; then
	perl -MIO::Socket::INET -e '$0 = "fleetlab-dns-sink"; my $s = IO::Socket::INET->new(Proto => "udp", LocalAddr => $ARGV[0], LocalPort => 53) or die "dns sink: $!\n"; sleep 100000 while 1' "$LAB_DNS_SINK" </dev/null >/dev/null 2>&1 &
fi
# memory: a MailScanner master and its children, each holding LAB_CHILD_MB.
if [ -n "${LAB_CHILDREN:-}" ]; then
	perl -e '$0 = "MailScanner: master waiting for children, sleeping"; for (1 .. $ARGV[0]) { if (!fork) { $0 = "MailScanner: waiting for messages"; my $m = "x" x ($ARGV[1] * 1048576); sleep 100000 while 1 } } sleep 100000 while 1' "$LAB_CHILDREN" "$LAB_CHILD_MB" </dev/null >/dev/null 2>&1 &
fi

exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/sbin/sshd -D -e -f "$H/sshd_config"
