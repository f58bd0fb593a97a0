// Package lab starts and stops a lab of real OpenSSH hosts on this machine
// for fleetcheck's end-to-end tests and demos.
//
// Every lab host is Debian's own sshd listening on its own loopback address
// (127.0.X.Y, port 22), started by unshare(1) in its own mount, UTS and PID
// namespaces. Inside, overlay mounts give the host its own /tmp, /etc
// additions (/etc/MailScanner, sudoers, users), /usr/sbin/MailScanner (a Perl
// stand-in), /usr/local (Perl site directories, perllocal.pod), /run and RPM
// database, so that hosts differ the way mail gateways in the field do:
// a noexec /tmp, a broken or shadowing Perl module, RPM-owned copies in the
// site directory, a hanging lint, a changed MailScanner.conf, legacy-only
// SSH algorithms, sudo rules, a wrong host key, a dead address and a tarpit.
// Nothing is mounted, added or changed outside those namespaces and the lab
// directory; Stop kills exactly the processes the lab started, by PID.
//
// The lab needs root, sshd, unshare, overlayfs, perl, rpm and rpmbuild; see
// Available. It is test infrastructure: the fleetcheck command never
// imports it. It imports no fleetcheck package.
package lab
