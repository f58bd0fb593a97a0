package preflight

import (
	"archive/tar"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The module lists of shipped releases, as install.sh's MOD= lines give
// them: distribution, version, RPM build.

// rpm4843 is MailScanner 4.84.3's RPM installer (the tarball installer
// ships the same distributions and versions).
var rpm4843 = [][3]string{
	{"File-Spec", "0.82", "3"}, {"ExtUtils-MakeMaker", "6.50", "2"}, {"Pod-Escapes", "1.04", "2"},
	{"Pod-Simple", "3.05", "2"}, {"Test-Simple", "0.86", "2"}, {"Math-BigInt", "1.89", "2"},
	{"Math-BigRat", "0.22", "1"}, {"bignum", "0.23", "1"}, {"MIME-Base64", "3.07", "3"},
	{"TimeDate", "1.16", "4"}, {"Test-Harness", "2.64", "3"}, {"Test-Pod", "1.26", "2"},
	{"IO", "1.2301", "5"}, {"IO-stringy", "2.110", "2"}, {"MailTools", "2.04", "2"},
	{"File-Temp", "0.20", "4"}, {"HTML-Tagset", "3.03", "2"}, {"HTML-Parser", "3.64", "1"},
	{"Convert-BinHex", "1.119", "3"}, {"MIME-tools", "5.427", "2"}, {"Convert-TNEF", "0.17", "2"},
	{"Compress-Zlib", "1.41", "2"}, {"Compress-Raw-Zlib", "2.027", "1"}, {"Archive-Zip", "1.30", "1"},
	{"Scalar-List-Utils", "1.19", "3"}, {"Storable", "2.16", "3"}, {"DBI", "1.607", "2"},
	{"DBD-SQLite", "1.25", "2"}, {"Getopt-Long", "2.38", "2"}, {"Time-HiRes", "1.9707", "3"},
	{"Filesys-Df", "0.90", "3"}, {"Net-CIDR", "0.13", "1"}, {"Net-IP", "1.25", "2"},
	{"Sys-Hostname-Long", "1.4", "2"}, {"Sys-Syslog", "0.27", "1"}, {"Digest-MD5", "2.36", "3"},
	{"Digest-SHA1", "2.11", "3"}, {"Digest-HMAC", "1.01", "1"}, {"Net-DNS", "0.65", "2"},
	{"OLE-Storage_Lite", "0.16", "2"}, {"Sys-SigAction", "0.11", "1"},
}

// rpm466 is a 4.66-era RPM installer: the versions the ChangeLog gives for
// early 2008 (Archive::Zip 1.16, DBD-SQLite 1.12, MIME-tools 5.425 and
// MailTools 2.02, Digest-SHA1 2.10, Sys::Syslog 0.18).
var rpm466 = [][3]string{
	{"Archive-Zip", "1.16", "1"}, {"DBD-SQLite", "1.12", "1"}, {"MIME-Base64", "3.07", "1"},
	{"MIME-tools", "5.425", "3"}, {"MailTools", "2.02", "1"}, {"Digest-SHA1", "2.10", "1"},
	{"Sys-Syslog", "0.18", "1"}, {"IO", "1.2301", "5"}, {"IO-stringy", "2.110", "1"},
	{"HTML-Parser", "3.56", "1"}, {"Time-HiRes", "1.9707", "3"}, {"TimeDate", "1.16", "1"},
	{"Convert-TNEF", "0.17", "1"}, {"Convert-BinHex", "1.119", "1"},
}

// clamSA is install-Clam-SA's perl-tar list (2011), file versions.
var clamSA = [][2]string{
	{"Digest", "1.15"}, {"Text-Balanced", "1.98"}, {"Digest-MD5", "2.36"}, {"Parse-RecDescent", "1.94"},
	{"Inline", "0.44"}, {"Test-Harness", "2.56"}, {"Test-Simple", "0.70"}, {"Mail-ClamAV", "0.29"},
	{"DB_File", "1.814"}, {"Digest-SHA", "5.48"}, {"Digest-SHA1", "2.10"}, {"Net-CIDR-Lite", "0.20"},
	{"Test-Manifest", "0.95"}, {"HTML-Parser", "3.56"}, {"Business-ISBN-Data", "1.10"},
	{"Business-ISBN", "1.82"}, {"Sys-Hostname-Long", "1.4"}, {"Digest-HMAC", "1.01"}, {"Net-IP", "1.25"},
	{"YAML", "0.62"}, {"ExtUtils-CBuilder", "0.18"}, {"ExtUtils-ParseXS", "2.18"}, {"version", "0.7203"},
	{"Module-Build", "0.2808"}, {"Net-DNS", "0.62"}, {"Net-DNS-Resolver-Programmable", "0.002.2"},
	{"Error", "0.17008"}, {"NetAddr-IP", "4.004"}, {"URI", "1.35"}, {"IP-Country", "2.21"},
	{"IO-Zlib", "1.04"}, {"IO-String", "1.08"}, {"Socket6", "0.23"}, {"IO-Socket-INET6", "2.57"},
	{"Archive-Tar", "1.29"}, {"Data-Dump", "1.08"}, {"Encode-Detect", "1.00"}, {"Mail-SPF", "2.004"},
	{"Crypt-OpenSSL-Random", "0.04"}, {"Crypt-OpenSSL-RSA", "0.26"}, {"Mail-DKIM", "0.37"},
	{"libnet", "1.22"}, {"libwww-perl", "5.810"}, {"Mail-SpamAssassin", "3.3.1"},
}

// rpmInstallerNames lists an RPM installer's entries, as
// MailScanner-<ver>-<rel>.rpm.tar.gz holds them.
func rpmInstallerNames(ver string, mods [][3]string) []string {
	top := "MailScanner-" + ver + "/"
	names := []string{top + "install.sh", top + "CheckModuleVersion", top + "getPERLLIB",
		top + "ExtUtils-MakeMaker-6.30.tar.gz", top + "mailscanner-" + ver + ".noarch.rpm",
		top + "tnef-1.4.5-1.i386.rpm", top + "tnef-1.4.5-1.x86_64.rpm"}
	for _, m := range mods {
		names = append(names, top+"perl-"+m[0]+"-"+m[1]+"-"+m[2]+".src.rpm")
	}
	return names
}

// tarInstallerNames lists a tarball installer's entries.
func tarInstallerNames(ver string, mods [][3]string) []string {
	top := "MailScanner-install-" + ver + "/"
	names := []string{top + "install.sh", top + "install.tar-fns.sh", top + "CheckModuleVersion",
		top + "getPERLLIB", top + "Quick.Peek", top + "perl-tar/tnef-1.4.5.tar.gz",
		top + "perl-tar/MailScanner-" + ver + ".tar.gz"}
	for _, m := range mods {
		names = append(names, top+"perl-tar/"+m[0]+"-"+m[1]+".tar.gz")
	}
	return names
}

// clamSANames lists an install-Clam-SA archive's entries.
func clamSANames() []string {
	top := "install-Clam-0.96.5-SA-3.3.1/"
	names := []string{top + "install.sh", top + "functions.sh", top + "clamav-0.96.5.tar.gz",
		top + "perl-tar/Mail-ClamAV-0.22.patch", top + "perl-tar/perl-Digest.spec"}
	for _, m := range clamSA {
		names = append(names, top+"perl-tar/"+m[0]+"-"+m[1]+".tar.gz")
	}
	return names
}

// writeTarGz writes a gzip-compressed tar of the names (directories
// first, each file a few bytes) and returns its path.
func writeTarGz(t testing.TB, dir, name string, names []string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	dirs := map[string]bool{}
	for _, n := range names {
		if d, _, ok := strings.Cut(n, "/"); ok && !dirs[d] {
			dirs[d] = true
			if err := tw.WriteHeader(&tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
				t.Fatal(err)
			}
		}
		body := "not a real package: " + n + "\n"
		if err := tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []interface{ Close() error }{tw, zw, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// writeTree creates the names as files under dir (an unpacked release).
func writeTree(t testing.TB, dir string, names []string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
