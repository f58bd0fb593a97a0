package preflight

// Kinds of release, as Release.Kind.
const (
	// KindRPM is the RPM installer MailScanner-<ver>-<rel>.rpm.tar.gz: one
	// perl-<Dist>-<ver>-<build>.src.rpm per module, rebuilt with rpmbuild
	// and installed with rpm -Uvh.
	KindRPM = "rpm"
	// KindTarball is the tarball installer
	// MailScanner-install-<ver>-<rel>.tar.gz: perl-tar/<Dist>-<ver>.tar.gz
	// built in /tmp with perl Makefile.PL; make; make test; make install.
	KindTarball = "tarball"
	// KindClamSA is install-Clam-SA*.tar.gz: ClamAV and SpamAssassin with
	// their Perl modules, built from source in /tmp.
	KindClamSA = "clam-sa"
	// KindRequirements is a plain list of "Module::Name >= version" lines;
	// nothing is installed, each line is a requirement.
	KindRequirements = "requirements"
)

// Release is what a MailScanner release (or a requirements file) ships.
type Release struct {
	// Path is the file or directory it was read from.
	Path string
	// Kind is KindRPM, KindTarball, KindClamSA or KindRequirements.
	Kind string
	// Version is MailScanner's version ("4.84.3"), from the program's own
	// package inside the release or else from the archive's name; empty
	// when neither says (install-Clam-SA, requirements).
	Version string
	// Dists are the bundled Perl distributions, sorted by name, one per
	// name (the highest version when a release ships two).
	Dists []Dist
	// Programs are the bundled non-Perl programs: MailScanner itself,
	// tnef, clamav.
	Programs []Program
	// Perl is the minimum Perl version the release needs; empty when none
	// is known.
	Perl string
}

// Dist is one bundled Perl distribution.
type Dist struct {
	// Name is the CPAN distribution name: "Archive-Zip", "MIME-tools".
	Name string
	// Version is the distribution's version as the file name gives it.
	Version string
	// File is the entry's path inside the release.
	File string
	// Build is the RPM release of a .src.rpm ("1", "pl3.2"); empty for
	// tarballs.
	Build string
	// Modules are the modules it provides; the first is the one checked.
	Modules []string
	// Min is MailScanner's hard minimum for the checked module, if any.
	Min string
}

// Module returns the checked module of d.
func (d Dist) Module() string {
	if len(d.Modules) == 0 {
		return ""
	}
	return d.Modules[0]
}

// Program is a bundled program that is not a Perl distribution.
type Program struct {
	// Name is "MailScanner", "tnef" or "clamav".
	Name    string
	Version string
	File    string
}
