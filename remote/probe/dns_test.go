package probe

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// TestDNSReal runs the command in a private mount namespace whose
// /etc/resolv.conf names a nameserver that never answers (a UDP socket
// nobody reads), one where nothing listens, and this machine's own first
// nameserver, under dash and bash.
func TestDNSReal(t *testing.T) {
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 77, 0, 53), Port: 53})
	if err != nil {
		t.Skipf("needs root for a nameserver address: %v", err)
	}
	defer sink.Close()
	own := "127.0.0.1"
	if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
		var f fleet.Facts
		if readErr := DNS.Parse(Result{Stdout: []byte("@@fc resolv\n" + string(b) + "@@fc lookups\ndone\n")}, &f); readErr == nil && len(f.DNS.Nameservers) > 0 {
			own = f.DNS.Nameservers[0]
		}
	}
	conf := filepath.Join(t.TempDir(), "resolv.conf")
	body := "# fleetcheck test\nsearch fleetlab.test example.org\nnameserver 127.77.0.53\nnameserver 127.77.0.54 ; nothing\nnameserver " + own + "\noptions timeout:2 attempts:1\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	setup := "set -e\nmount --bind \"$1\" /etc/resolv.conf\nexec dash -c \"$2\""
	out := inNamespace(t, setup, conf, DNS.Command)
	saveCapture(t, fleet.ProbeDNS, "debian12-sink-refused", out)
	// this machine's own nameserver may not answer where the test runs
	checkSinkRefused(t, out, false)
	out2 := inNamespace(t, strings.Replace(setup, "exec dash", "exec bash", 1), conf, DNS.Command)
	checkSinkRefused(t, out2, false)
}

func TestParseDNSCaptured(t *testing.T) {
	checkSinkRefused(t, readCase(t, fleet.ProbeDNS, "debian12-sink-refused"), true)
}

func checkSinkRefused(t *testing.T, out []byte, ownAnswers bool) {
	t.Helper()
	var f fleet.Facts
	if err := DNS.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	d := f.DNS
	if len(d.Nameservers) != 3 || d.Nameservers[1] != "127.77.0.54" || d.Name != "fleetlab.test" ||
		strings.Join(d.Search, " ") != "fleetlab.test example.org" || strings.Join(d.Options, " ") != "timeout:2 attempts:1" {
		t.Errorf("dns = %+v\n%s", d, out)
	}
	if len(d.Lookups) != 3 {
		t.Fatalf("lookups = %+v\n%s", d.Lookups, out)
	}
	if l := d.Lookups[0]; l.Result != fleet.LookupTimeout || l.MS < dnsTimeout*1000 {
		t.Errorf("sink = %+v", l)
	}
	if l := d.Lookups[1]; l.Result != fleet.LookupError || !strings.Contains(l.Error, "refused") {
		t.Errorf("nothing listening = %+v", l)
	}
	if l := d.Lookups[2]; ownAnswers && (l.Result != fleet.LookupAnswer || l.RCode == "") {
		t.Errorf("own nameserver = %+v", l)
	}
}

func TestParseDNSFailures(t *testing.T) {
	for name, out := range map[string]string{
		"no perl":    "@@fc resolv\nnameserver 192.0.2.53\n@@fc lookups\nsh: 1: perl: not found\n",
		"alarm":      "@@fc resolv\nnameserver 192.0.2.53\n@@fc lookups\nname example.org\nalarm\n",
		"no resolv":  "",
		"no lookups": "@@fc resolv\nnameserver 192.0.2.53\n",
	} {
		var f fleet.Facts
		if err := DNS.Parse(Result{Stdout: []byte(out)}, &f); err == nil || f.DNS != nil {
			t.Errorf("%s: parsed %+v", name, f.DNS)
		}
	}
	var f fleet.Facts
	out := "@@fc resolv\n@@fc lookups\nname localhost\nns fe80::1 skipped\ndone\n"
	if err := DNS.Parse(Result{Stdout: []byte(out)}, &f); err != nil || len(f.DNS.Nameservers) != 0 || f.DNS.Lookups[0].Result != fleet.LookupSkipped {
		t.Errorf("dns = %+v, %v", f.DNS, err)
	}
}

func FuzzParseDNS(f *testing.F) {
	seedCorpus(f, fleet.ProbeDNS)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, DNS, data) })
}
