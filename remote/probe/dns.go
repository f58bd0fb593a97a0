package probe

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// dnsTimeout is how long the dns probe waits for each nameserver, in
// seconds (the resolver's own default is 5).
const dnsTimeout = 3

// dnsScript asks each of the first three nameservers of /etc/resolv.conf
// (the resolver uses no more) one question, as SpamAssassin's Net::DNS
// does: a UDP query for the A record of a name that needs no internet
// (the first search domain, else the domain of the host's name, else
// localhost), and prints what came back and how long it took. It reads
// resolv.conf itself, so /etc/hosts never answers for DNS. Perl 5.8 core
// only; alarm bounds the whole script, select each wait. No single quotes:
// the program travels inside '...'.
var dnsScript = `use strict; use IO::Socket::INET; use Sys::Hostname (); use Time::HiRes ();
$SIG{ALRM} = sub { print "alarm\n"; exit 0 }; alarm(` + strconv.Itoa(3*dnsTimeout+3) + `);
my (@ns, @search, $name);
if (open(RC, "<", "/etc/resolv.conf")) {
  while (defined(my $l = <RC>)) {
    $l =~ s/[#;].*//;
    if ($l =~ /^\s*nameserver\s+(\S+)/) { push @ns, $1 }
    elsif ($l =~ /^\s*search\s+(\S+)/) { @search = ($1) }
    elsif ($l =~ /^\s*domain\s+(\S+)/ && !@search) { @search = ($1) }
  }
  close(RC);
}
$name = $search[0];
if (!defined $name) { my $h = eval { Sys::Hostname::hostname() }; $name = $1 if defined $h && $h =~ /^[^.]+\.(.+)$/ }
$name = "localhost" if !defined $name || $name !~ /^[A-Za-z0-9._-]{1,253}$/;
$name =~ s/\.$//;
print "name $name\n";
my @rc = qw(NOERROR FORMERR SERVFAIL NXDOMAIN NOTIMP REFUSED);
my $n = 0;
for my $ns (@ns) {
  last if ++$n > 3;
  if ($ns !~ /^\d{1,3}(\.\d{1,3}){3}$/) { print "ns $ns skipped\n"; next }
  my $t0 = Time::HiRes::time();
  my $ms = sub { int((Time::HiRes::time() - $t0) * 1000) };
  my $s = IO::Socket::INET->new(Proto => "udp", PeerAddr => $ns, PeerPort => 53);
  if (!$s) { print "ns $ns error ", $ms->(), " $!\n"; next }
  my $id = int(rand(65536));
  my $q = pack("n6", $id, 0x0100, 1, 0, 0, 0);
  $q .= pack("C", length $_) . $_ for split(/\./, $name);
  $q .= pack("Cn2", 0, 1, 1);
  if (!defined send($s, $q, 0)) { print "ns $ns error ", $ms->(), " $!\n"; next }
  my $done = 0;
  while (!$done) {
    my $left = ` + strconv.Itoa(dnsTimeout) + ` - (Time::HiRes::time() - $t0);
    if ($left <= 0) { print "ns $ns timeout ", $ms->(), "\n"; last }
    my $rin = ""; vec($rin, fileno($s), 1) = 1;
    if (select(my $rout = $rin, undef, undef, $left) <= 0) { next }
    my $buf;
    if (!defined recv($s, $buf, 512, 0)) { print "ns $ns error ", $ms->(), " $!\n"; last }
    next if length($buf) < 12;
    my ($rid, $fl) = unpack("n2", $buf);
    next if $rid != $id;
    my $c = $fl & 15;
    print "ns $ns answer ", $ms->(), " ", (defined $rc[$c] ? $rc[$c] : "RCODE$c"), "\n";
    $done = 1;
  }
}
print "done\n";`

// dnsCommand prints /etc/resolv.conf, then what the nameservers answered
// (dnsScript).
var dnsCommand = `LC_ALL=C; export LC_ALL
echo "@@fc resolv"
cat /etc/resolv.conf 2>/dev/null
echo "@@fc lookups"
perl -e '` + dnsScript + `' </dev/null 2>&1`

// DNS reads the resolver configuration and asks each nameserver one
// question, timed.
var DNS = register(Probe{
	Name:    fleet.ProbeDNS,
	Command: dnsCommand,
	Timeout: time.Duration(3*dnsTimeout+10) * time.Second,
	Parse:   parseDNS,
})

func parseDNS(r Result, f *fleet.Facts) error { return store(&f.DNS, readDNS, r.Stdout) }

// Limits of the dns facts.
const (
	maxResolvEntries = 16
	maxLookups       = 3
)

// readDNS parses the output of dnsCommand. The lookups section must end
// with "done": a perl that is missing, dies or is stopped by its alarm
// leaves the lookups unknown, and the probe fails.
func readDNS(b []byte) (*fleet.DNS, error) {
	ss := sections(b)
	rs, ok := first(ss, "resolv")
	if !ok {
		return nil, errors.New("dns: no resolv.conf section")
	}
	out := &fleet.DNS{Nameservers: []string{}, Lookups: []fleet.Lookup{}}
	for _, l := range rs.Lines {
		if i := strings.IndexAny(l, "#;"); i >= 0 {
			l = l[:i]
		}
		fs := strings.Fields(clean(l))
		if len(fs) < 2 {
			continue
		}
		switch fs[0] {
		case "nameserver":
			if len(out.Nameservers) < maxResolvEntries {
				out.Nameservers = append(out.Nameservers, capString(fs[1], 64))
			}
		case "search", "domain":
			if fs[0] == "search" || out.Search == nil {
				out.Search = capAll(fs[1:], maxResolvEntries, 253)
			}
		case "options":
			out.Options = append(out.Options, capAll(fs[1:], maxResolvEntries-len(out.Options), 64)...)
		}
	}
	ls, ok := first(ss, "lookups")
	if !ok {
		return nil, errors.New("dns: no lookups section")
	}
	done := false
	for _, l := range ls.Lines {
		fs := strings.Fields(clean(l))
		switch {
		case len(fs) == 2 && fs[0] == "name":
			out.Name = capString(fs[1], 253)
		case len(fs) == 1 && fs[0] == "done":
			done = true
		case len(fs) == 1 && fs[0] == "alarm":
			return nil, errors.New("dns: the lookups ran out of time")
		case len(fs) >= 3 && fs[0] == "ns" && len(out.Lookups) < maxLookups:
			lk := fleet.Lookup{Nameserver: capString(fs[1], 64), Result: fs[2]}
			switch lk.Result {
			case fleet.LookupSkipped:
			case fleet.LookupAnswer, fleet.LookupTimeout, fleet.LookupError:
				if len(fs) < 4 {
					continue
				}
				ms, err := strconv.ParseInt(fs[3], 10, 64)
				if err != nil || ms < 0 {
					continue
				}
				lk.MS = ms
				rest := capString(strings.Join(fs[4:], " "), 200)
				if lk.Result == fleet.LookupAnswer {
					lk.RCode = rest
				} else {
					lk.Error = rest
				}
			default:
				continue
			}
			out.Lookups = append(out.Lookups, lk)
		}
	}
	if !done {
		return nil, errors.New("dns: the lookups did not finish (is perl installed?)")
	}
	return out, nil
}

// capAll keeps at most n values, each capped at max bytes.
func capAll(vs []string, n, max int) []string {
	if n < 0 {
		n = 0
	}
	out := make([]string, 0, min(n, len(vs)))
	for _, v := range vs {
		if len(out) == n {
			break
		}
		out = append(out, capString(v, max))
	}
	return out
}
