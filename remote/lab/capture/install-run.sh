#!/bin/sh
# Installs the real MailScanner on one lab host and captures what
# "MailScanner -v" and "MailScanner --lint" print. Run by capture.sh as
#   nsenter -t SSHD_PID -m -u -p -- unshare -m --propagation private -- \
#     /bin/sh install-run.sh VERSION SOURCE_TREE OUT_DIR
# i.e. as root inside the lab host's own mount, UTS and PID namespaces, in a
# further private mount namespace: every mount below vanishes when this
# script ends, and the host is left exactly as the lab made it.
#
# VERSION      4.84.3 or 5.5.3
# SOURCE_TREE  for 4.84.3: the "mailscanner" directory of the MailScanner v4
#              repository at the 4.84.3 snapshot (what the 2011 RPM packed);
#              for 5.5.3: a directory holding "common" and "debian" of the
#              v5 repository at tag 5.5.3-2.
# OUT_DIR      receives v.stdout v.stderr v.exit lint.stdout lint.stderr
#              lint.exit (see README.md).
#
# The layout is the packages' own: 4.84.3 as its RPM installs it
# (RPM.files/Perl8.0/MailScanner4.spec: /usr/sbin/MailScanner,
# /usr/lib/MailScanner, /etc/MailScanner), 5.5.3 as its .deb does
# (Build.debian and DEBIAN/postinst: /usr/sbin/MailScanner,
# /usr/share/MailScanner/perl, /usr/lib/MailScanner/wrapper, /etc/MailScanner).
# The host's own MailScanner.conf, conf.d and SpamAssassin prefs file (the
# lab's, per profile) are kept; every other file comes from the sources.
set -eu
VERSION=$1
SRC=$2
OUT=$3
# Seconds a lint may run before it counts as hung.
LINT_LIMIT=${LINT_LIMIT:-150}

# A writable layer over the directories the packages install into.
mount -t tmpfs -o mode=0755 fleetlab-capture /mnt
for d in /etc /usr/sbin /usr/lib /usr/share /var/spool; do
	n=$(echo "$d" | tr / _)
	mkdir -p "/mnt/upper$n" "/mnt/work$n"
	mount -t overlay "fleetlab-capture$n" -o "lowerdir=$d,upperdir=/mnt/upper$n,workdir=/mnt/work$n" "$d"
done

E=/etc/MailScanner
case $VERSION in
4.*)
	L=/usr/lib/MailScanner
	mkdir -p $L/MailScanner/CustomFunctions $E/reports $E/rules $E/mcp $E/conf.d
	# The spec's path substitutions (%install of MailScanner4.spec).
	rpmsed='s+/opt/MailScanner/etc/mailscanner.conf+/etc/MailScanner/MailScanner.conf+;
s+/opt/MailScanner/etc/virus.scanners.conf+/etc/MailScanner/virus.scanners.conf+;
s./opt/MailScanner/var./var/run.;
s./opt/MailScanner/bin/mailscanner_create_locks./usr/sbin/mailscanner_create_locks.;
s./opt/MailScanner/bin/tnef./usr/bin/tnef.;
s#/opt/MailScanner/bin/Quick.Peek#/usr/sbin/Quick.Peek#;
s./opt/MailScanner/etc/reports./etc/MailScanner/reports.;
s./opt/MailScanner/etc/rules./etc/MailScanner/rules.;
s./opt/MailScanner/etc./etc/MailScanner.;
s./opt/MailScanner/lib./usr/lib/MailScanner.;
s./opt/MailScanner/bin./usr/lib/MailScanner.;
s./usr/lib/sendmail./usr/sbin/sendmail.;'
	toolsed='s+/opt/MailScanner/etc/mailscanner.conf+/etc/MailScanner/MailScanner.conf+;
s./opt/MailScanner/var./var/run.;
s./opt/MailScanner/bin/tnef./usr/bin/tnef.;
s#/opt/MailScanner/bin/Quick.Peek#/usr/sbin/Quick.Peek#;
s./opt/MailScanner/etc/reports./etc/MailScanner/reports.;
s./opt/MailScanner/etc/rules./etc/MailScanner/rules.;
s./opt/MailScanner/etc/mcp./etc/MailScanner/mcp.;
s./opt/MailScanner/etc./etc/MailScanner.;
s./opt/MailScanner/lib./usr/lib/MailScanner.;
s./opt/MailScanner/bin./usr/sbin.;
s./usr/lib/sendmail./usr/sbin/sendmail.;'
	perl -pe "$rpmsed" "$SRC/bin/mailscanner.sbin" >/usr/sbin/MailScanner
	perl -pe "$toolsed" "$SRC/bin/mailscanner_create_locks" >/usr/sbin/mailscanner_create_locks
	cp "$SRC/bin/Quick.Peek" /usr/sbin/Quick.Peek
	chmod 0755 /usr/sbin/MailScanner /usr/sbin/mailscanner_create_locks /usr/sbin/Quick.Peek
	cp "$SRC/bin/MailScanner.pm" $L/
	for f in "$SRC"/bin/MailScanner/*.pm "$SRC"/bin/MailScanner/ConfigDefs.pl; do
		perl -pe "$rpmsed" "$f" >"$L/MailScanner/${f##*/}"
	done
	cp "$SRC"/bin/MailScanner/CustomFunctions/*.pm $L/MailScanner/CustomFunctions/
	for f in "$SRC"/lib/*; do
		cp "$f" $L/
		chmod 0755 "$L/${f##*/}"
	done
	for f in filename.rules.conf filetype.rules.conf archives.filename.rules.conf \
		archives.filetype.rules.conf spam.lists.conf virus.scanners.conf \
		phishing.safe.sites.conf phishing.bad.sites.conf country.domains.conf; do
		perl -pe "$rpmsed" "$SRC/etc/$f" >$E/$f
	done
	cp -R "$SRC"/etc/reports/. $E/reports/
	cp -R "$SRC"/etc/rules/. $E/rules/
	cp -R "$SRC"/etc/mcp/. $E/mcp/
	;;
5.*)
	C=$SRC/common
	for f in "$C"/usr/sbin/*; do
		perl -pe "s/VersionNumberHere/$VERSION/" "$f" >"/usr/sbin/${f##*/}"
		chmod 0755 "/usr/sbin/${f##*/}"
	done
	mkdir -p /usr/share/MailScanner /usr/lib/MailScanner $E/conf.d
	cp -R "$C"/usr/share/MailScanner/. /usr/share/MailScanner/
	cp -R "$C"/usr/lib/MailScanner/. /usr/lib/MailScanner/
	chmod -R a+rX,u+w /usr/share/MailScanner /usr/lib/MailScanner
	chmod 0755 /usr/lib/MailScanner/wrapper/*
	for f in "$C"/etc/MailScanner/*; do
		b=${f##*/}
		case $b in MailScanner.conf | spamassassin.conf | conf.d) continue ;; esac
		cp -R "$f" $E/
	done
	# postinst: the reports and custom-function links.
	ln -s /usr/share/MailScanner/reports $E/reports
	ln -s /usr/share/MailScanner/perl/custom $E/custom
	;;
*)
	echo "install-run.sh: unknown version $VERSION" >&2
	exit 2
	;;
esac
mkdir -p /var/spool/MailScanner/incoming /var/spool/MailScanner/quarantine \
	/var/spool/MailScanner/archive /var/spool/mqueue.in /var/spool/mqueue

# For looking around: INSTALL_ONLY='COMMAND' runs COMMAND in the installed
# host instead of the captures.
if [ -n "${INSTALL_ONLY:-}" ]; then
	exec /bin/sh -c "$INSTALL_ONLY"
fi

mkdir -p "$OUT"
rm -f "$OUT"/v.* "$OUT"/lint.*
# As the probes run it: a clean environment, the C locale, no stdin.
run() {
	(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root /usr/sbin/MailScanner "$@" </dev/null)
}
set +e
run -v >"$OUT/v.stdout" 2>"$OUT/v.stderr"
echo $? >"$OUT/v.exit"

# In the background, exec'd: $! is MailScanner's own PID.
(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root /usr/sbin/MailScanner --lint </dev/null) \
	>"$OUT/lint.stdout" 2>"$OUT/lint.stderr" &
pid=$!
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt "$LINT_LIMIT" ]; do
	sleep 1
	i=$((i + 1))
done
if kill -0 $pid 2>/dev/null; then
	# Hung. What an SSH channel's end does to it: SIGHUP. Then SIGTERM.
	kill -HUP $pid
	sleep 2
	hup=survived
	kill -0 $pid 2>/dev/null || hup=ended
	kill -TERM $pid 2>/dev/null
	sleep 2
	term=survived
	kill -0 $pid 2>/dev/null || term=ended
	kill -KILL $pid 2>/dev/null
	wait $pid
	echo "hung after ${LINT_LIMIT}s; SIGHUP: $hup; SIGTERM: $term" >"$OUT/lint.exit"
else
	wait $pid
	echo $? >"$OUT/lint.exit"
fi
exit 0
