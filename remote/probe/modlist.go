package probe

// The module lists MailScanner -v prints, copied from MailScanner 4.84.3,
// 4.86 and 5.x (mailscanner.sbin @Modules and @Optional). v5 from 5.0.4-4
// dropped IO from the required list; the union is kept.

// requiredModules is MailScanner's @Modules list, in the order it prints them.
var requiredModules = []string{
	"AnyDBM_File", "Archive::Zip", "bignum", "Carp", "Compress::Zlib",
	"Convert::BinHex", "Convert::TNEF", "Data::Dumper", "Date::Parse",
	"DirHandle", "Fcntl", "File::Basename", "File::Copy", "FileHandle",
	"File::Path", "File::Temp", "Filesys::Df", "HTML::Entities",
	"HTML::Parser", "HTML::TokeParser", "IO", "IO::File", "IO::Pipe",
	"Mail::Header", "Math::BigInt", "Math::BigRat", "MIME::Base64",
	"MIME::Decoder", "MIME::Decoder::UU", "MIME::Head", "MIME::Parser",
	"MIME::QuotedPrint", "MIME::Tools", "Net::CIDR", "Net::IP",
	"OLE::Storage_Lite", "Pod::Escapes", "Pod::Simple", "POSIX",
	"Scalar::Util", "Socket", "Storable", "Sys::Hostname::Long",
	"Sys::Syslog", "Test::Pod", "Test::Simple", "Time::HiRes",
	"Time::localtime",
}

// optionalModules is MailScanner's @Optional list, in the order it prints them.
var optionalModules = []string{
	"Archive::Tar", "bignum", "Business::ISBN", "Business::ISBN::Data",
	"Data::Dump", "DB_File", "DBD::SQLite", "DBI", "Digest", "Digest::HMAC",
	"Digest::MD5", "Digest::SHA1", "Encode::Detect", "Error",
	"ExtUtils::CBuilder", "ExtUtils::ParseXS", "Getopt::Long", "Inline",
	"IO::String", "IO::Zlib", "IP::Country", "Mail::ClamAV",
	"Mail::SpamAssassin", "Mail::SPF", "Mail::SPF::Query", "Module::Build",
	"Net::CIDR::Lite", "Net::DNS", "Net::DNS::Resolver::Programmable",
	"Net::LDAP", "NetAddr::IP", "Parse::RecDescent", "SAVI",
	"Test::Harness", "Test::Manifest", "Text::Balanced", "URI", "version",
	"YAML",
}

// installerModules are modules MailScanner's installers build besides the
// -v lists (4.84 RPM and tarball installers, install-Clam-SA).
var installerModules = []string{
	"File::Spec", "ExtUtils::MakeMaker", "Compress::Raw::Zlib", "Math::BigInt",
	"IO::Stringy", "Mail::Internet", "HTML::Tagset", "Test::Harness",
	"List::Util", "Digest::SHA", "Net::DNS", "Mail::DKIM", "Socket6",
	"IO::Socket::INET6", "Crypt::OpenSSL::RSA", "Crypt::OpenSSL::Random", "LWP", "Net::Cmd",
	"Sys::SigAction",
}

// alwaysModules are inspected on every host whatever the lists say: the
// seed's half-installed modules.
var alwaysModules = []string{"Mail::ClamAV", "Mail::SpamAssassin"}

// interestingModules is every module the perl_modules probe inspects by
// name, without duplicates, in a stable order.
func interestingModules() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{alwaysModules, requiredModules, optionalModules, installerModules} {
		for _, m := range l {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}
