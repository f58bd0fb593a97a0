// Package lab starts and stops a lab of real OpenSSH hosts on this machine
// for fleetcheck's end-to-end tests and demos.
//
// Every lab host is Debian's own sshd listening on its own loopback address
// (127.0.X.Y, port 22; 2222 when the machine's own sshd holds *:22), started
// by unshare(1) in its own mount, UTS and PID namespaces (the sshd is PID 1
// of its host, so `ps` on a host shows only that host). Inside, mounts give
// the host its own /tmp (tmpfs), an /etc layer (MailScanner.conf, users,
// sudoers, rpm macros), /usr/sbin/MailScanner (a Perl stand-in that prints
// what the real MailScanner 4.84.3 or 5.5.3 prints for -v and --lint on
// that host, see capture/README.md), a ClamAV database layer with the
// EICAR signature, a writable /usr/local (the
// Perl site directories, perllocal.pod, /usr/local/sbin), /run, /var/log and
// RPM database. The Perl modules, dpkg and rpm are the machine's own
// (Debian packages); old module releases are Debian's files relabelled, and
// their RPMs are built with rpmbuild at first start and cached in the lab
// directory. Hosts differ the way mail gateways in the field do:
//
//	good           healthy; the inventory's baseline
//	seed           /tmp noexec, a half-installed Mail::SpamAssassin 3.2.4 that
//	               fails to load, Mail::ClamAV missing (the seed incident)
//	shadow         unowned Archive::Zip 1.30 and Net::DNS 0.65 in the site
//	               directory shadowing dpkg's, with perllocal.pod entries
//	rpm            the same copies owned by MailScanner-style RPMs
//	hang           MailScanner --lint hangs silently (the shipped %org-name%
//	               makes MailScanner ask Sys::Hostname::Long); Max Children raised
//	config         Max Children changed, Use SpamAssassin = no in conf.d
//	legacy         sshd speaks only diffie-hellman-group14-sha1, aes128-cbc/
//	               3des-cbc, hmac-sha1 and an ssh-rsa host key
//	sudo           login fcaudit, NOPASSWD sudo
//	sudo-password  login fcpass, sudo -n fails: "a password is required"
//	badkey         known_hosts holds a different key
//	down           nothing listens: connection refused
//	tarpit         accepts TCP, never sends a banner
//	lint-dies      a CPAN Archive::Zip too old for MailScanner shadows dpkg's:
//	               MailScanner --lint dies (exit 255, Undefined subroutine
//	               &Archive::Zip::setErrorHandler)
//	disk-full      a 4 MB /tmp that is full
//	dead-dns       the first nameserver is the host's own address, where a
//	               UDP socket takes queries and never answers
//	fat-children   a MailScanner master with three 40 MB children running
//	               and Max Children = 5000
//	no-mailscanner healthy, but MailScanner is not installed: no program, no
//	               /etc/MailScanner, nothing of its installers in site_perl
//
// Each sshd host but no-mailscanner plays MailScanner 4.84.3 (flavour v4,
// the default) or 5.5.3 (v5, "PROFILE:v5" in Config.Profiles): the
// stand-in, MailScanner.conf's version and SpamAssassin prefs file name
// follow the flavour.
//
// Start writes an inventory in fleetcheck's schema, an ssh_config with one
// Host block per host and a hashed known_hosts into the lab directory
// (default /var/lib/fleetlab; never under /tmp, which the hosts replace).
// Stop kills exactly the processes the lab started, by PID, and the
// processes left in its hosts' namespaces. Outside the lab directory nothing
// is mounted, added or changed: no users (they exist only in the hosts'
// /etc layers), no addresses (all of 127.0.0.0/8 is local on Linux), no
// /run/sshd. The command cmd/fleetlab wraps Start and Stop.
//
// The lab needs root and the Debian packages in .ci/lab-packages.txt; see
// Available. It is test infrastructure that the fleetcheck command never
// imports, and it imports no fleetcheck package.
package lab
