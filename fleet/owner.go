package fleet

import "strings"

// builtByMailScanner is how every report says that MailScanner's installer
// built a package.
const builtByMailScanner = "built by MailScanner's installer"

// Unowned reports whether no package manager claims the file.
func (o Owner) Unowned() bool { return o.Manager == "" }

// MailScannerBuild reports whether the package was built by MailScanner's
// installer, which recognises its own builds by the packager (install.sh
// tests it with fgrep -qi mailscanner).
func (o Owner) MailScannerBuild() bool {
	return strings.Contains(strings.ToLower(o.Packager), "mailscanner")
}

// String describes the owner for people: the package with its version,
// and whether MailScanner's installer built it, else its vendor or RPM
// packager; "no package: CPAN or hand install" when unowned. Every report
// uses it, so an owner reads the same everywhere.
func (o Owner) String() string {
	if o.Unowned() {
		return "no package: CPAN or hand install"
	}
	s := o.Manager + " " + o.Package
	if o.Version != "" {
		s += "-" + o.Version
	}
	switch {
	case o.MailScannerBuild():
		s += ", " + builtByMailScanner
	case o.Vendor != "":
		s += ", " + o.Vendor
	case o.Manager == "rpm" && o.Packager != "": // for dpkg it is only the maintainer
		s += ", packager " + o.Packager
	}
	return s
}

// Identity is the owner without its version, to compare across hosts:
// "none", "rpm:perl-Archive-Zip", or "rpm:perl-Archive-Zip (built by
// MailScanner's installer)". The version is a fact of its own.
func (o Owner) Identity() string {
	if o.Unowned() {
		return "none"
	}
	v := o.Manager + ":" + o.Package
	if o.MailScannerBuild() {
		v += " (" + builtByMailScanner + ")"
	}
	return v
}
