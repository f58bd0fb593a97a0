package preflight

import (
	"slices"
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		name                string
		dist, version, prog string
		build               string
	}{
		{name: "MailScanner-4.84.3-1/perl-Archive-Zip-1.30-1.src.rpm", dist: "Archive-Zip", version: "1.30", build: "1"},
		{name: "perl-MIME-tools-5.427-2.src.rpm", dist: "MIME-tools", version: "5.427", build: "2"},
		{name: "perl-MIME-tools-5.411-pl3.2.noarch.rpm", dist: "MIME-tools", version: "5.411", build: "pl3.2"},
		{name: "perl-OLE-Storage_Lite-0.16-2.src.rpm", dist: "OLE-Storage_Lite", version: "0.16", build: "2"},
		{name: "perl-Scalar-List-Utils-1.19-3.src.rpm", dist: "Scalar-List-Utils", version: "1.19", build: "3"},
		{name: "perl-HTML-Parser-3.26-1.i386.rpm", dist: "HTML-Parser", version: "3.26", build: "1"},
		{name: "perl-Net-CIDR-Lite-0.15-1.src.rpm", dist: "Net-CIDR-Lite", version: "0.15", build: "1"},
		{name: "mailscanner-4.84.3-1.noarch.rpm", prog: "MailScanner", version: "4.84.3"},
		{name: "tnef-1.4.5-1.x86_64.rpm", prog: "tnef", version: "1.4.5"},
		{name: "tnef-1.1.2-sizelimit1.i386.rpm", prog: "tnef", version: "1.1.2"},
		{name: "perl-tar/Archive-Zip-1.30.tar.gz", dist: "Archive-Zip", version: "1.30"},
		{name: "MIME-tools-5.427.tar.gz", dist: "MIME-tools", version: "5.427"},
		{name: "MIME-tools-5.411-patched.tar.gz", dist: "MIME-tools", version: "5.411"},
		{name: "Mail-ClamAV-0.20.JKF.tar.gz", dist: "Mail-ClamAV", version: "0.20"},
		{name: "Net-DNS-Resolver-Programmable-0.002.2.tar.gz", dist: "Net-DNS-Resolver-Programmable", version: "0.002.2"},
		{name: "IO-Socket-INET6-2.57.tar.gz", dist: "IO-Socket-INET6", version: "2.57"},
		{name: "Digest-SHA1-2.11.tar.gz", dist: "Digest-SHA1", version: "2.11"},
		{name: "version-0.7203.tar.gz", dist: "version", version: "0.7203"},
		{name: "libwww-perl-5.810.tar.gz", dist: "libwww-perl", version: "5.810"},
		{name: "Mail-SpamAssassin-3.3.1.tar.gz", dist: "Mail-SpamAssassin", version: "3.3.1"},
		{name: "ExtUtils-MakeMaker-6.30.tar.gz", dist: "ExtUtils-MakeMaker", version: "6.30"},
		{name: "Sys-Hostname-Long-1.4.tgz", dist: "Sys-Hostname-Long", version: "1.4"},
		{name: "perl-tar/MailScanner-4.84.3-1.tar.gz", prog: "MailScanner", version: "4.84.3"},
		{name: "perl-tar/tnef-1.4.5.tar.gz", prog: "tnef", version: "1.4.5"},
		{name: "clamav-0.96.5.tar.gz", prog: "clamav", version: "0.96.5"},
		{name: `C:\releases\perl-tar\URI-1.35.tar.gz`, dist: "URI", version: "1.35"},
	} {
		e, ok := parseName(tc.name)
		if !ok {
			t.Errorf("parseName(%q) = not recognised, want %s%s %s", tc.name, tc.dist, tc.prog, tc.version)
			continue
		}
		var got, want string
		if e.isProg {
			got = "program " + e.program.Name + " " + e.program.Version
		} else {
			got = "dist " + e.dist.Name + " " + e.dist.Version + " build " + e.dist.Build
		}
		if tc.prog != "" {
			want = "program " + tc.prog + " " + tc.version
		} else {
			want = "dist " + tc.dist + " " + tc.version + " build " + tc.build
		}
		if got != want {
			t.Errorf("parseName(%q) = %s, want %s", tc.name, got, want)
		}
	}
}

func TestParseNameRejects(t *testing.T) {
	for _, name := range []string{
		"install.sh", "CheckModuleVersion", "perl-tar/perl-Digest.spec", "Mail-ClamAV-0.22.patch",
		"README", "MailScanner-4.84.3-1/", "clamav-devel-0.81-1.i386.rpm.sig", "perl-1.0-1.src.rpm",
		"foo.rpm", "perl-Foo.src.rpm", "perl-Foo-1.0.src.rpm", "-1.0.tar.gz", "Foo-.tar.gz",
		"Foo--Bar-1.0.tar.gz", "install-Clam-0.92-SA-3.2.4.tar.gz", ".hidden-1.0.tar.gz",
		"Foo-bar.tar.gz", "Foo-1.0-1.weird.rpm", "Foo-1.0;rm -rf.tar.gz", strings.Repeat("A", 300) + "-1.0.tar.gz",
	} {
		if e, ok := parseName(name); ok {
			t.Errorf("parseName(%q) = %+v, want not recognised", name, e)
		}
	}
}

func TestModulesOf(t *testing.T) {
	for _, tc := range []struct{ dist, want string }{
		{"MIME-tools", "MIME::Tools"}, {"MailTools", "Mail::Header"}, {"TimeDate", "Date::Parse"},
		{"IO-stringy", "IO::Stringy"}, {"Scalar-List-Utils", "Scalar::Util"}, {"libnet", "Net::Cmd"},
		{"libwww-perl", "LWP"}, {"Compress-Zlib", "Compress::Zlib"}, {"Mail-SpamAssassin", "Mail::SpamAssassin"},
		{"Digest-SHA1", "Digest::SHA1"}, {"DBD-SQLite", "DBD::SQLite"}, {"Archive-Zip", "Archive::Zip"},
		{"OLE-Storage_Lite", "OLE::Storage_Lite"}, {"Net-DNS-Resolver-Programmable", "Net::DNS::Resolver::Programmable"},
		{"bignum", "bignum"}, {"version", "version"}, {"IO", "IO"}, {"DB_File", "DB_File"},
		{"HTML-Parser", "HTML::Parser"}, {"perl-ldap", "Net::LDAP"},
	} {
		got := ModulesOf(tc.dist)
		if len(got) == 0 || got[0] != tc.want {
			t.Errorf("ModulesOf(%q) = %v, want %s first", tc.dist, got, tc.want)
		}
	}
	// The table is not shared with callers.
	m := ModulesOf("MailTools")
	m[0] = "X"
	if ModulesOf("MailTools")[0] != "Mail::Header" {
		t.Error("ModulesOf returned the table itself")
	}
	if !slices.Contains(ModulesOf("HTML-Parser"), "HTML::Entities") {
		t.Error("HTML-Parser should list HTML::Entities")
	}
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{
		"perl-Archive-Zip-1.30-1.src.rpm", "MIME-tools-5.411-patched.tar.gz", "mailscanner-4.84.3-1.noarch.rpm",
		"Mail-ClamAV-0.20.JKF.tar.gz", "perl-tar/MailScanner-4.84.3-1.tar.gz", "clamav-0.96.5.tar.gz",
		"perl-MIME-tools-5.411-pl3.2.src.rpm", "v-v1.tar", "a-1..rpm", "-.src.rpm",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		e, ok := parseName(name)
		if !ok {
			return
		}
		if e.isProg {
			if e.program.Name == "" || !validVersion(e.program.Version) {
				t.Fatalf("parseName(%q) = program %+v", name, e.program)
			}
			return
		}
		d := e.dist
		if !validDistName(d.Name) || !validVersion(d.Version) || d.File != name {
			t.Fatalf("parseName(%q) = dist %+v", name, d)
		}
		if mods := ModulesOf(d.Name); len(mods) == 0 || mods[0] == "" {
			t.Fatalf("ModulesOf(%q) = %v", d.Name, mods)
		}
	})
}
