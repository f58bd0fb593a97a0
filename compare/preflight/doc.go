// Package preflight is fleetcheck's pre-upgrade report: it reads a
// MailScanner release as users download it (the RPM installer
// MailScanner-<ver>-<rel>.rpm.tar.gz, the tarball installer
// MailScanner-install-<ver>-<rel>.tar.gz, install-Clam-SA*.tar.gz, an
// unpacked directory of one, or a plain requirements file) and tells, for
// every host's snapshot, what the installer will do to each bundled Perl
// module and which host conditions will make it fail: /tmp mounted noexec
// (the tarball and install-Clam-SA installers build in /tmp; the RPM
// installer builds in its rpmbuild tree), the RPM installer on a host
// without RPM, Perl too old, distribution-owned RPMs that
// rpm -Uvh collides with, unowned CPAN copies earlier in @INC that shadow
// what the installer puts in site_perl, modules that do not load today, and
// MailScanner's hard minimum versions.
//
// Open reads only the names of the archive's entries, streaming
// (archive/tar over compress/gzip) with bounds on entries, name length and
// bytes decompressed; nothing is unpacked to disk. Check returns a
// compare.Report, so every renderer of fleetcheck compare renders it.
//
// It is part of the explaining stage: it imports package fleet, package
// compare and the standard library only.
package preflight
