package lab

import "strings"

// Profile names. Each lab host plays one profile; the first host of a
// profile is named after it, further ones get "-2", "-3", ... appended.
const (
	// ProfileGood is a healthy gateway and the inventory's baseline.
	ProfileGood = "good"
	// ProfileSeed replays the seed incident: /tmp is a noexec tmpfs, a
	// half-installed Mail::SpamAssassin 3.2.4 in the site directory fails to
	// load (its Digest::SHA1 has no shared object), Mail::ClamAV is missing.
	ProfileSeed = "seed"
	// ProfileShadow has unowned older copies of Archive::Zip (1.30) and
	// Net::DNS (0.65) in the Perl site directory, shadowing the dpkg copies,
	// with CPAN perllocal.pod entries.
	ProfileShadow = "shadow"
	// ProfileRPM has the same old copies, but owned by MailScanner-style RPMs
	// (perl-Archive-Zip-1.30-1, perl-Net-DNS-0.65-2, and mailscanner-4.84.3-1
	// owning /usr/sbin/MailScanner; Packager Julian Field) in its own RPM database.
	ProfileRPM = "rpm"
	// ProfileHang makes MailScanner --lint hang silently and raises Max
	// Children: MailScanner.conf keeps the shipped %org-name%, so MailScanner
	// asks a hand-installed Sys::Hostname::Long 1.4 for the host's full name,
	// and its lookup never returns.
	ProfileHang = "hang"
	// ProfileConfig changes Max Children in MailScanner.conf and turns
	// Use SpamAssassin off in a conf.d override.
	ProfileConfig = "config"
	// ProfileLegacy limits sshd to diffie-hellman-group14-sha1, aes128-cbc and
	// 3des-cbc, hmac-sha1 and an ssh-rsa host key, as a CentOS 5 box offers.
	ProfileLegacy = "legacy"
	// ProfileSudo logs in as the unprivileged user fcaudit with NOPASSWD sudo.
	ProfileSudo = "sudo"
	// ProfileSudoPassword logs in as fcpass, whose sudo needs a password:
	// "sudo -n" fails with "a password is required".
	ProfileSudoPassword = "sudo-password"
	// ProfileBadKey runs a good sshd whose host key differs from known_hosts.
	ProfileBadKey = "badkey"
	// ProfileDown is an address where nothing listens: connections are refused.
	ProfileDown = "down"
	// ProfileTarpit accepts TCP connections and never says a word.
	ProfileTarpit = "tarpit"
	// ProfileLintDies has a CPAN Archive::Zip in the Perl site directory
	// that is too old for MailScanner: it loads, but has no setErrorHandler,
	// so perl dies in the middle of MailScanner --lint (exit 255).
	ProfileLintDies = "lint-dies"
	// ProfileDiskFull has a /tmp of 4 MB that is full: MailScanner's own
	// temporary files and the installers' builds have no room.
	ProfileDiskFull = "disk-full"
	// ProfileDNS has an /etc/resolv.conf whose first nameserver is the
	// host's own address, where a UDP socket takes queries and never
	// answers: every lookup waits out its timeout.
	ProfileDNS = "dead-dns"
	// ProfileMemory runs a MailScanner master with three children of
	// about 40 MB each (retitled "MailScanner: waiting for messages", as
	// MailScanner 5's are), with Max Children at 5000: far more children
	// than the machine's memory holds.
	ProfileMemory = "fat-children"
	// ProfileNoMailScanner is a healthy host on which MailScanner is not
	// installed: no /usr/sbin/MailScanner, no /etc/MailScanner, nothing of
	// MailScanner's installers in the Perl site directory.
	ProfileNoMailScanner = "no-mailscanner"
)

// MailScanner flavours. Every sshd host runs the stand-in in the mode of one
// real release; a profile list entry "PROFILE:v5" picks 5.5.3 for that host,
// anything else 4.84.3.
const (
	// FlavourV4 is MailScanner 4.84.3 as its RPM installs it.
	FlavourV4 = "v4"
	// FlavourV5 is MailScanner 5.5.3 as its .deb installs it.
	FlavourV5 = "v5"
)

// flavourVersion is the MailScanner version each flavour plays.
var flavourVersion = map[string]string{FlavourV4: "4.84.3", FlavourV5: "5.5.3"}

// splitProfile splits a profile list entry "NAME" or "NAME:FLAVOUR".
func splitProfile(entry string) (name, flavour string, ok bool) {
	name, flavour, found := strings.Cut(entry, ":")
	if !found {
		flavour = FlavourV4
	}
	if _, known := flavourVersion[flavour]; !known {
		return name, flavour, false
	}
	_, ok = profileFor(name)
	return name, flavour, ok
}

// Lab users, present only in the /etc of the hosts that log in with them.
const (
	// SudoUser is the login of the sudo profile (NOPASSWD sudo).
	SudoUser = "fcaudit"
	// SudoPasswordUser is the login of the sudo-password profile.
	SudoPasswordUser = "fcpass"
)

// Profiles returns every profile name in the default order: one host of each
// is what a Config without Profiles starts.
func Profiles() []string {
	out := make([]string, len(profileOrder))
	copy(out, profileOrder)
	return out
}

var profileOrder = []string{
	ProfileGood, ProfileSeed, ProfileShadow, ProfileRPM, ProfileHang, ProfileConfig,
	ProfileLegacy, ProfileSudo, ProfileSudoPassword, ProfileBadKey, ProfileDown, ProfileTarpit,
	ProfileLintDies, ProfileDiskFull, ProfileDNS, ProfileMemory, ProfileNoMailScanner,
}

// service is what answers on a host's address.
type service int

const (
	serviceSSHD service = iota
	serviceNone
	serviceTarpit
)

// oldCopy is an older release of a packaged Perl module, made by copying
// Debian's files into the site directory and relabelling the version.
type oldCopy struct {
	module  string // Archive::Zip
	dist    string // Archive-Zip
	version string // 1.30
	release string // RPM release, MailScanner style: no dist tag
	linked  bool   // copy the module's sub-directory too, relabelling all of it
}

var (
	oldArchiveZip = oldCopy{module: "Archive::Zip", dist: "Archive-Zip", version: "1.30", release: "1", linked: true}
	oldNetDNS     = oldCopy{module: "Net::DNS", dist: "Net-DNS", version: "0.65", release: "2"}
)

// siteFile is one embedded Perl file for the site directories: dir is
// "lib" (sitelib) or "arch" (sitearch), path is relative to it.
type siteFile struct {
	dir, path string
}

var (
	siteClamAV        = siteFile{"arch", "Mail/ClamAV.pm"}
	siteSeedSA        = siteFile{"lib", "Mail/SpamAssassin.pm"}
	siteSeedSHA1      = siteFile{"arch", "Digest/SHA1.pm"}
	siteHangHostname  = siteFile{"lib", "Sys/Hostname/Long.pm"}
	siteOldArchiveZip = siteFile{"lib", "Archive/Zip.pm"}
)

// cpanInstall is one perllocal.pod entry, as "make install" writes it.
type cpanInstall struct {
	module, version, date, dir string // dir: "lib" or "arch"
}

// profile is what makes a host play its part.
type profile struct {
	service       service
	noexecTmp     bool
	user          string // login user; "" is root
	sudoers       string // line for /etc/sudoers.d/fleetlab
	password      bool   // the user has a password (sudo asks for it)
	legacy        bool
	wrongKey      bool
	maxChildren   int
	useSA         string
	unconfigured  bool   // %org-name% and friends left as shipped: MailScanner looks up the host name
	confD         string // /etc/MailScanner/conf.d/zz-local.conf, if any
	site          []siteFile
	copies        []oldCopy // unowned copies in the site directory
	rpms          []oldCopy // RPM-owned copies in the site directory
	perllocal     []cpanInstall
	tmpSizeMB     int  // size of the host's /tmp tmpfs; 0 is 64
	fillTmp       bool // fill /tmp up at start
	deadDNS       bool // resolv.conf: the host's own address first, where nothing answers
	children      int  // MailScanner children of childMB each, running from the start
	childMB       int
	noMailScanner bool // neither the program nor its configuration
}

// clamSAInstall is the perllocal.pod record of the Clam-SA easy installer's
// Mail::ClamAV build, present on every host that has it.
var clamSAInstall = cpanInstall{module: "Mail::ClamAV", version: "0.29", date: "Thu Jan 24 23:10:41 2008", dir: "arch"}

func profileFor(name string) (profile, bool) {
	base := profile{
		service:     serviceSSHD,
		maxChildren: 5,
		useSA:       "yes",
		site:        []siteFile{siteClamAV},
		perllocal:   []cpanInstall{clamSAInstall},
	}
	p := base
	switch name {
	case ProfileGood, ProfileBadKey:
		p.wrongKey = name == ProfileBadKey
	case ProfileSeed:
		p.noexecTmp = true
		p.site = []siteFile{siteSeedSA, siteSeedSHA1}
		p.perllocal = nil
	case ProfileShadow:
		p.copies = []oldCopy{oldArchiveZip, oldNetDNS}
		p.perllocal = []cpanInstall{
			clamSAInstall,
			{module: "Archive::Zip", version: "1.30", date: "Wed Mar 11 14:02:17 2009", dir: "lib"},
			{module: "Net::DNS", version: "0.65", date: "Wed Mar 11 14:05:52 2009", dir: "lib"},
		}
	case ProfileRPM:
		p.rpms = []oldCopy{oldArchiveZip, oldNetDNS}
	case ProfileHang:
		p.unconfigured = true
		p.maxChildren = 30
		p.site = append(p.site, siteHangHostname)
		p.perllocal = append(p.perllocal, cpanInstall{module: "Sys::Hostname::Long", version: "1.4", date: "Mon Jan 28 01:47:09 2008", dir: "lib"})
	case ProfileConfig:
		p.maxChildren = 12
		p.confD = "# Local overrides (fleetlab profile config): later settings win.\nUse SpamAssassin = no\n"
	case ProfileLegacy:
		p.legacy = true
	case ProfileSudo:
		p.user = SudoUser
		p.sudoers = SudoUser + " ALL=(ALL:ALL) NOPASSWD: ALL\n"
	case ProfileSudoPassword:
		p.user = SudoPasswordUser
		p.password = true
		p.sudoers = SudoPasswordUser + " ALL=(ALL:ALL) ALL\n"
	case ProfileDown:
		p.service = serviceNone
	case ProfileTarpit:
		p.service = serviceTarpit
	case ProfileLintDies:
		p.site = append(p.site, siteOldArchiveZip)
		p.perllocal = append(p.perllocal, cpanInstall{module: "Archive::Zip", version: "1.04", date: "Tue Oct 14 09:12:44 2003", dir: "lib"})
	case ProfileDiskFull:
		p.tmpSizeMB, p.fillTmp = 4, true
	case ProfileDNS:
		p.deadDNS = true
	case ProfileMemory:
		p.maxChildren, p.children, p.childMB = 5000, 3, 40
	case ProfileNoMailScanner:
		p.noMailScanner = true
		p.site, p.perllocal = nil, nil
	default:
		return profile{}, false
	}
	return p, true
}
