package preflight

import "strings"

// irregular maps CPAN distributions whose name is not their main module's
// to the modules they provide; the first is the one checked (the one
// MailScanner -v and the installers' CheckModuleVersion name).
var irregular = map[string][]string{
	"MIME-tools":        {"MIME::Tools", "MIME::Parser", "MIME::Head"},
	"MailTools":         {"Mail::Header", "Mail::Internet", "Mail::Field"},
	"TimeDate":          {"Date::Parse", "Date::Format"},
	"IO-stringy":        {"IO::Stringy", "IO::Scalar"},
	"Scalar-List-Utils": {"Scalar::Util", "List::Util"},
	"libnet":            {"Net::Cmd", "Net::SMTP"},
	"libwww-perl":       {"LWP", "LWP::UserAgent"},
	"perl-ldap":         {"Net::LDAP"},
	"HTML-Parser":       {"HTML::Parser", "HTML::Entities", "HTML::TokeParser"},
	"MIME-Base64":       {"MIME::Base64", "MIME::QuotedPrint"},
	"Test-Simple":       {"Test::Simple", "Test::More"},
	"TermReadKey":       {"Term::ReadKey"},
	"Digest-SHA1":       {"Digest::SHA1"},
	"Compress-Zlib":     {"Compress::Zlib"},
	"Mail-SpamAssassin": {"Mail::SpamAssassin"},
	"DBD-SQLite":        {"DBD::SQLite"},
}

// ModulesOf returns the modules a CPAN distribution provides, the checked
// one first: the irregular table, else A-B-C gives A::B::C.
func ModulesOf(dist string) []string {
	if m, ok := irregular[dist]; ok {
		return append([]string(nil), m...)
	}
	return []string{strings.ReplaceAll(dist, "-", "::")}
}

// minimums are MailScanner 4's hard minimum versions, by checked module:
// MIME::Tools >= 5.412 (FATAL: Newer MIME::Tools module needed),
// Mail::SpamAssassin >= 2.1, and with MIME::Tools > 5.420 IO >= 1.2301 and
// IO::Stringy >= 2.110 ("You must upgrade your perl IO module").
var minimums = []minimum{
	{Module: "MIME::Tools", Min: "5.412", Message: "FATAL: Newer MIME::Tools module needed"},
	{Module: "IO", Min: "1.2301", IfModule: "MIME::Tools", IfAbove: "5.420", Message: "You must upgrade your perl IO module"},
	{Module: "IO::Stringy", Min: "2.110", IfModule: "MIME::Tools", IfAbove: "5.420", Message: "You must upgrade your perl IO module"},
	{Module: "Mail::SpamAssassin", Min: "2.1", Message: "MailScanner needs SpamAssassin 2.1 or later", OnlyIfPresent: true},
}

// minimum is one hard minimum version of a module.
type minimum struct {
	Module, Min string
	// IfModule and IfAbove make the minimum conditional: it applies only
	// when IfModule's version is above IfAbove.
	IfModule, IfAbove string
	// Message is what MailScanner says when it refuses to run.
	Message string
	// OnlyIfPresent: an optional module, checked only when installed.
	OnlyIfPresent bool
}

// minPerl is the oldest Perl MailScanner 4 runs on: the RPM spec requires
// perl >= 5.005, the mailscanner-requires meta-RPM perl >= 5.6.1.
const minPerl = "5.6.1"

// minOf returns the unconditional or conditional hard minimum of a module.
func minOf(module string) string {
	for _, m := range minimums {
		if m.Module == module {
			return m.Min
		}
	}
	return ""
}

// xsDists are the bundled distributions with compiled (XS or Inline C)
// code: their make test loads a shared object from the build directory,
// which a noexec /tmp refuses ("failed to map segment from shared object").
var xsDists = map[string]bool{
	"HTML-Parser": true, "DBD-SQLite": true, "DBI": true, "Digest-SHA1": true,
	"Digest-MD5": true, "Digest-SHA": true, "Time-HiRes": true,
	"Scalar-List-Utils": true, "Storable": true, "IO": true,
	"Compress-Raw-Zlib": true, "Compress-Zlib": true, "Filesys-Df": true,
	"Sys-Syslog": true, "MIME-Base64": true, "Mail-ClamAV": true, "Inline": true,
	"DB_File": true, "Socket6": true, "Crypt-OpenSSL-Random": true,
	"Crypt-OpenSSL-RSA": true, "Encode-Detect": true, "NetAddr-IP": true,
	"Net-DNS": true, "List-MoreUtils": true,
}
