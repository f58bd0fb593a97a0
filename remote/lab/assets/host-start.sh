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

exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/sbin/sshd -D -e -f "$H/sshd_config"
