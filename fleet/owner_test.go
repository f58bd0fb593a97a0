package fleet

import (
	"strings"
	"testing"
)

func TestOwner(t *testing.T) {
	tests := []struct {
		o        Owner
		ms       bool
		str, key string
	}{
		{Owner{}, false, "no package: CPAN or hand install", "none"},
		{Owner{Manager: "rpm", Package: "perl-Archive-Zip", Version: "1.16-1", Packager: "MailScanner <mailscanner@example.org>"}, true,
			"rpm perl-Archive-Zip-1.16-1, built by MailScanner's installer", "rpm:perl-Archive-Zip (built by MailScanner's installer)"},
		// install.sh matches the packager case-insensitively, and a
		// MailScanner build says so even when the vendor is set.
		{Owner{Manager: "rpm", Package: "perl-IO", Version: "1.2301-5", Vendor: "Acme", Packager: "Built by MAILSCANNER"}, true,
			"rpm perl-IO-1.2301-5, built by MailScanner's installer", "rpm:perl-IO (built by MailScanner's installer)"},
		{Owner{Manager: "rpm", Package: "perl-Net-DNS", Version: "0.59-3.el5", Vendor: "CentOS", Packager: "CentOS BuildSystem"}, false,
			"rpm perl-Net-DNS-0.59-3.el5, CentOS", "rpm:perl-Net-DNS"},
		{Owner{Manager: "rpm", Package: "perl-DBI", Version: "1.52-2", Packager: "ops@example.com"}, false,
			"rpm perl-DBI-1.52-2, packager ops@example.com", "rpm:perl-DBI"},
		{Owner{Manager: "dpkg", Package: "libnet-dns-perl", Version: "1.36-1", Packager: "Debian Perl Group"}, false,
			"dpkg libnet-dns-perl-1.36-1", "dpkg:libnet-dns-perl"},
		{Owner{Manager: "rpm", Package: "perl-X"}, false, "rpm perl-X", "rpm:perl-X"},
	}
	for _, tt := range tests {
		if got := tt.o.MailScannerBuild(); got != tt.ms {
			t.Errorf("%+v: MailScannerBuild() = %v", tt.o, got)
		}
		if got := tt.o.String(); got != tt.str {
			t.Errorf("%+v: String() = %q, want %q", tt.o, got, tt.str)
		}
		if got := tt.o.Identity(); got != tt.key {
			t.Errorf("%+v: Identity() = %q, want %q", tt.o, got, tt.key)
		}
		// One wording: both descriptions name MailScanner's builds alike.
		for _, s := range []string{tt.o.String(), tt.o.Identity()} {
			if strings.Contains(s, builtByMailScanner) != tt.ms {
				t.Errorf("%+v: %q and MailScannerBuild() = %v disagree", tt.o, s, tt.ms)
			}
		}
		if tt.o.Unowned() != (tt.o.Manager == "") {
			t.Errorf("%+v: Unowned() = %v", tt.o, tt.o.Unowned())
		}
	}
}
