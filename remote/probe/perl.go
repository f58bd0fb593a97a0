package probe

import (
	"errors"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// perlExec starts the perl MailScanner runs with (#!/usr/bin/perl), or the
// first perl on PATH; the program follows as -e argument. The login's Perl
// environment is dropped: MailScanner, started by init, does not see it.
const perlExec = `unset PERL5LIB PERLLIB PERL5OPT
P=/usr/bin/perl; [ -x "$P" ] || P=perl
exec "$P" -e `

// perlMSInc is Perl code (5.8) that puts MailScanner's own library
// directories in front of @INC, as MailScanner's "use lib" does, and keeps
// them in @ms.
const perlMSInc = `my @ms = grep { -d $_ } ("/usr/lib/MailScanner", "/opt/MailScanner/lib", "/usr/share/MailScanner/perl");
{ my %s; @INC = grep { !$s{$_}++ } (@ms, @INC); }
`

// perlScript is the perl probe's program: one "key<TAB>value" line per fact.
const perlScript = `use strict; use Config;
` + perlMSInc + `sub out { my $k = shift; my $v = join("\t", @_); $v =~ s/[\r\n]/ /g; print "$k\t$v\n"; }
my $x = $^X; $x = $Config{perlpath} unless $x =~ m{^/};
out("path", $x);
out("version", sprintf("%vd", $^V));
out("numeric", $]);
out("archname", $Config{archname});
out("ms", $_) for @ms;
out("inc", $_) for @INC;
for my $k (qw(privlib archlib sitelib sitearch vendorlib vendorarch)) { out("dir", $k, defined $Config{$k . "exp"} ? $Config{$k . "exp"} : ""); }
`

// Perl reads the version, archname, @INC and install directories of the
// perl that runs MailScanner.
var Perl = register(Probe{
	Name:    fleet.ProbePerl,
	Command: "LC_ALL=C; export LC_ALL\n" + perlExec + "'" + perlScript + "'",
	Parse:   parsePerl,
})

func parsePerl(r Result, f *fleet.Facts) error { return store(&f.Perl, readPerl, r.Stdout) }

// readPerl parses the output of perlScript.
func readPerl(b []byte) (*fleet.Perl, error) {
	p := &fleet.Perl{INC: []string{}, Dirs: map[string]string{}}
	for _, line := range splitLines(b, 10000) {
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		v = capString(clean(v), 4096)
		switch k {
		case "path":
			p.Path = v
		case "version":
			p.Version = v
		case "archname":
			p.Archname = v
		case "inc":
			if len(p.INC) < 1000 {
				p.INC = append(p.INC, v)
			}
		case "dir":
			name, val, _ := strings.Cut(v, "\t")
			switch name {
			case "privlib", "archlib", "sitelib", "sitearch", "vendorlib", "vendorarch":
				if val != "" {
					p.Dirs[name] = val
				}
			}
		}
	}
	if p.Version == "" {
		return nil, errors.New("perl: no version in output")
	}
	return p, nil
}
