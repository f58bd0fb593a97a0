package compare

import (
	"fmt"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// requiredModules is MailScanner's required module list (@Modules of
// MailScanner -v, 4.84.3 to 5.x): a module of it that does not load stops
// MailScanner or its children.
var requiredModules = map[string]bool{
	"AnyDBM_File": true, "Archive::Zip": true, "bignum": true, "Carp": true, "Compress::Zlib": true,
	"Convert::BinHex": true, "Convert::TNEF": true, "Data::Dumper": true, "Date::Parse": true,
	"DirHandle": true, "Fcntl": true, "File::Basename": true, "File::Copy": true, "FileHandle": true,
	"File::Path": true, "File::Temp": true, "Filesys::Df": true, "HTML::Entities": true,
	"HTML::Parser": true, "HTML::TokeParser": true, "IO": true, "IO::File": true, "IO::Pipe": true,
	"Mail::Header": true, "Math::BigInt": true, "Math::BigRat": true, "MIME::Base64": true,
	"MIME::Decoder": true, "MIME::Decoder::UU": true, "MIME::Head": true, "MIME::Parser": true,
	"MIME::QuotedPrint": true, "MIME::Tools": true, "Net::CIDR": true, "Net::IP": true,
	"OLE::Storage_Lite": true, "Pod::Escapes": true, "Pod::Simple": true, "POSIX": true,
	"Scalar::Util": true, "Socket": true, "Storable": true, "Sys::Hostname::Long": true,
	"Sys::Syslog": true, "Test::Pod": true, "Test::Simple": true, "Time::HiRes": true,
	"Time::localtime": true,
	// Not in @Modules, but MailScanner's scanning depends on them.
	"Mail::SpamAssassin": true, "Mail::ClamAV": true,
}

// minimumVersions are the hard minimums in MailScanner's code.
var minimumVersions = map[string]string{
	"MIME::Tools":        "5.412",
	"IO":                 "1.2301",
	"IO::Stringy":        "2.110",
	"Mail::SpamAssassin": "2.1",
}

// critical reports whether a module that fails is a critical cause.
func critical(module string) bool { return requiredModules[module] }

// module returns the named module of a snapshot's perl_modules facts.
func module(f *fleet.Facts, name string) (fleet.PerlModule, bool) {
	if f == nil || f.PerlModules == nil {
		return fleet.PerlModule{}, false
	}
	for _, m := range f.PerlModules.Modules {
		if m.Name == name {
			return m, true
		}
	}
	return fleet.PerlModule{}, false
}

// msModule returns the version MailScanner -v printed for a module.
func msModule(f *fleet.Facts, name string) (string, bool) {
	if f == nil || f.MailScanner == nil {
		return "", false
	}
	for _, l := range [][]fleet.ModuleVersion{f.MailScanner.Modules, f.MailScanner.Optional} {
		for _, m := range l {
			if m.Name == name {
				if m.Missing {
					return "missing", true
				}
				return m.Version, true
			}
		}
	}
	return "", false
}

func versionText(v string) string {
	if v == "" {
		return "no $VERSION"
	}
	return v
}

func copyText(c fleet.ModuleCopy) string {
	return fmt.Sprintf("%s %s (%s)", c.Path, versionText(c.Version), c.Owner)
}

// loadedCopy returns the copy perl loads: the one at LoadedPath when the
// probe recorded it, else the first in @INC order.
func loadedCopy(m fleet.PerlModule) (int, fleet.ModuleCopy, bool) {
	if m.LoadedPath != "" {
		for i, c := range m.Copies {
			if c.Path == m.LoadedPath {
				return i, c, true
			}
		}
	}
	c, ok := m.Loaded()
	return 0, c, ok
}

// shadowed reports whether perl loads an unowned copy while a package owns
// a later copy in @INC, and returns both.
func shadowed(m fleet.PerlModule) (loaded, owned fleet.ModuleCopy, ok bool) {
	i, l, ok := loadedCopy(m)
	if !ok || !l.Owner.Unowned() {
		return fleet.ModuleCopy{}, fleet.ModuleCopy{}, false
	}
	for _, c := range m.Copies[i+1:] {
		if !c.Owner.Unowned() {
			return l, c, true
		}
	}
	return fleet.ModuleCopy{}, fleet.ModuleCopy{}, false
}

// reinstallFix names the way to put a module back as the baseline has it.
func reinstallFix(name string, base fleet.PerlModule, haveBase bool) string {
	if haveBase {
		if _, c, ok := loadedCopy(base); ok && !c.Owner.Unowned() {
			switch c.Owner.Manager {
			case "rpm":
				return fmt.Sprintf("reinstall the package the baseline loads it from: `yum reinstall %s` (or `rpm -Uvh --force` the same RPM from MailScanner's installer)", c.Owner.Package)
			case "dpkg":
				return fmt.Sprintf("reinstall the package the baseline loads it from: `apt-get install --reinstall %s`", c.Owner.Package)
			}
		}
	}
	return fmt.Sprintf("reinstall %s as on the baseline: from the installer's perl-tar tarball (`perl Makefile.PL && make && make test && make install`, on an exec-mounted build dir) or `cpan %s`", name, name)
}
