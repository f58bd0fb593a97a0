// Package compare is the explaining stage of fleetcheck: it diffs every
// host's snapshot against a baseline (a host, a saved snapshot or the fleet's
// majority), turns the differences into typed findings and runs an ordered
// table of pure rules over them to name the likely causes, ranked by severity,
// then by the table's order, then by the findings they cover. Table runs a
// rule table: it names each cause after its rule and assembles and ranks the
// causes, for compare's rules (Rules) and for package preflight's alike.
//
// It returns values and never prints; package compare/render turns a Report
// into a terminal table or JSON. It imports only package fleet and the
// standard library.
//
// # Facts
//
// Every snapshot is flattened into stable fact keys, named after the probe
// that gathers them: os.distro, mounts./tmp.noexec,
// perl_modules.Archive::Zip.version, perl_modules.Archive::Zip.owner,
// perl_modules.Mail::SpamAssassin.loads, perl_modules.cpan_log.Net::DNS,
// mailscanner_version.version, mailscanner_version.module.Net::DNS,
// mailscanner_lint.errors[TEXT], mailscanner_config.maxchildren,
// packages.perl-Net-DNS, packages.tools.clamscan, custom.sendmail_version.
// Versions compare as versions (Perl, rpmvercmp, dpkg), MailScanner.conf
// booleans as booleans, secrets by fingerprint. A probe that did not run
// cleanly on either side gives one unknown finding named after the probe,
// never missing facts. Volatile facts (uptime, load, PIDs, devices, free
// space within 20 %) are noise, reported only with Options.All.
//
// # Causes
//
// A cause names a distribution, not a file: a module and the submodules
// that differ with it (loaded from the same directory and owner) are one
// cause covering all their findings, e.g. Archive::Zip and the 11 files of
// its CPAN copy under Archive/Zip/. A module whose load error blames
// another module (Mail::SpamAssassin needs Digest::SHA1, whose .so is
// missing) is one cause covering both. Evidence quotes perl's @INC lists
// as "(@INC: N dirs)"; the findings keep the full text.
//
// # JSON report
//
// The Report type is the contract of fleetcheck compare --format json:
//
//	{
//	  "baseline": {"kind": "host|file|majority|drift", "host", "source",
//	               "representative", "hosts", "note"},
//	  "generated_at": RFC 3339 time,
//	  "summary": {"hosts", "assessed", "not_assessed", "differing",
//	              "critical", "warning", "info", "findings", "unexplained"},
//	  "exit_code": 0 | 1 | 3,
//	  "hosts": [{                       // input order
//	    "host", "status", "error", "baseline": true on the baseline host,
//	    "causes": [{"rule", "severity": "critical|warning|info",
//	                "summary", "evidence": [string], "fix",
//	                "findings": [fact key]}],   // most severe first
//	    "findings": [{"fact", "kind": "missing|extra|changed|unknown",
//	                  "baseline", "value", "probe", "noise"}],  // by fact
//	    "unexplained": [fact key]      // findings no cause covers
//	  }]
//	}
//
// A cause's findings are fact keys into the host's findings. Fields are
// added, never renamed.
package compare
