package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/remote"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// demodata holds raw probe outputs recorded on the hosts of the end-to-end
// lab, one directory per profile (see record.go for the layout). Refresh
// them with the command in README.md ("Refreshing the demo's recordings").
//
//go:embed demodata
var demodata embed.FS

const demoHelp = `Demo starts a simulated fleet inside this process — real SSH servers on
127.0.0.1 with fresh host keys, each answering fleetcheck's real probe
commands with outputs recorded on real hosts — writes a temporary inventory,
ssh_config and known_hosts, and runs the real collect + compare path over
real SSH. No setup, no root, no network.

The fleet: mail01 is the known-good baseline; mail02 is the seed's broken box
(/tmp mounted noexec, Mail::SpamAssassin installed but failing to load,
Mail::ClamAV missing); mail03 loads CPAN copies of Archive::Zip and Net::DNS
that shadow the packaged ones; mail04's MailScanner --lint hangs with Max
Children raised; mail05 has MailScanner's own RPM builds in site_perl;
mail06's MailScanner --lint dies in a CPAN Archive::Zip; mail07's first
nameserver never answers; the rest are copies of the good box.

The demo exits 0 when it ran, whatever the report says.`

// demoProfiles is the order in which profiles are given to mail01, mail02...
var demoProfiles = []string{"good", "seed", "shadow", "hang", "rpm", "lint-dies", "dead-dns"}

// demoProbeTimeout is the simulated hosts' probe_timeout: how long the
// hanging lint holds its probe.
const demoProbeTimeout = 4 * time.Second

// demoHost is the name of the i-th simulated host, from 0.
func demoHost(i int) string { return fmt.Sprintf("mail%02d", i+1) }

func runDemo(ctx context.Context, e *env, args []string) error {
	var (
		hosts int
		keep  bool
		rf    reportFlags
	)
	fs := newFlagSet(e, "demo", "[--hosts N] [--format table|json|markdown|html] [-o FILE] [--keep]", demoHelp)
	fs.IntVar(&hosts, "hosts", len(demoProfiles)+1, fmt.Sprintf("number of simulated hosts (at least %d)", len(demoProfiles)))
	fs.BoolVar(&keep, "keep", false, "keep the inventory, keys and run store for you to play with, and print where")
	rf.register(fs)
	if _, err := parseArgs(e, fs, args); err != nil {
		return err
	}
	if hosts < len(demoProfiles) || hosts > 2000 {
		return usageError(fmt.Errorf("--hosts %d: want %d to 2000", hosts, len(demoProfiles)))
	}
	dir, err := os.MkdirTemp("", "fleetcheck-demo-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	lab, err := startDemoFleet(dir, hosts)
	if err != nil {
		return fmt.Errorf("demo fleet: %w", err)
	}
	defer lab.close()

	if rf.format == "table" && rf.output == "" {
		intro := fmt.Sprintf("Simulated fleet of %d hosts on 127.0.0.1 (real SSH, recorded outputs); baseline mail01.", hosts)
		fmt.Fprintf(e.stdout, "%s\n\n", strings.Join(render.Wrap(intro, e.columns(true), "", ""), "\n"))
	}
	// The demo must not use the user's agent or ~/.ssh: everything is in dir.
	demoEnv := *e
	demoEnv.getenv = func(k string) string {
		switch k {
		case "SSH_AUTH_SOCK":
			return ""
		case "HOME":
			return dir
		}
		return e.getenv(k)
	}
	c := compareFlags{report: rf, quiet: !keep, cmdline: commandLine("demo", args)}
	c.collect = collectFlags{inventory: filepath.Join(dir, "inventory.yaml"), store: filepath.Join(dir, "runs"),
		parallel: 64, outputLimit: remote.DefaultOutputLimit, sessions: remote.DefaultSessions}
	err = compareMain(ctx, &demoEnv, &c, nil)
	var xe *exitError
	if errors.As(err, &xe) && xe.err == nil && (xe.code == exitDiffers || xe.code == exitOK) {
		err = nil // differences are what the demo is for
	}
	if keep {
		fmt.Fprintf(e.stderr, "\nfleetcheck: demo files kept in %s (the simulated hosts stop with this process)\n", dir)
	}
	return err
}

// demoFleet is the running simulated fleet.
type demoFleet struct {
	servers []*sshsim.Server
}

func (d *demoFleet) close() {
	for _, s := range d.servers {
		_ = s.Close()
	}
}

// startDemoFleet starts n servers and writes the inventory, ssh_config,
// known_hosts and client key into dir.
func startDemoFleet(dir string, n int) (*demoFleet, error) {
	recs := map[string]remote.Replay{}
	for _, p := range demoProfiles {
		r, err := remote.ReadRecordings(demodata, path.Join("demodata", p))
		if err != nil {
			return nil, err
		}
		recs[p] = r
	}
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	keyPath := filepath.Join(dir, "id_ed25519")
	if err := sshsim.WritePrivateKey(keyPath, clientPriv, ""); err != nil {
		return nil, err
	}
	authorized, err := ssh.NewPublicKey(clientPub)
	if err != nil {
		return nil, err
	}
	d := &demoFleet{}
	var inv, kh strings.Builder
	var blocks []sshconfig.Block
	fmt.Fprintf(&inv, "# fleetcheck demo inventory (simulated hosts)\nssh_config: %s\nknown_hosts: [%s]\nbaseline: mail01\n",
		filepath.Join(dir, "ssh_config"), filepath.Join(dir, "known_hosts"))
	fmt.Fprintf(&inv, "defaults: {user: demo, probe_timeout: %s, timeout: 60s}\nhosts:\n", demoProbeTimeout)
	for i := range n {
		profile := "good"
		if i < len(demoProfiles) {
			profile = demoProfiles[i]
		}
		name := demoHost(i)
		_, hostKey, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			d.close()
			return nil, err
		}
		signer, err := ssh.NewSignerFromKey(hostKey)
		if err != nil {
			d.close()
			return nil, err
		}
		srv, err := sshsim.NewServer(sshsim.Config{HostKeys: []ssh.Signer{signer},
			AuthorizedKeys: []ssh.PublicKey{authorized}, NoForwarding: true,
			Handler: replayHandler(recs[profile])})
		if err != nil {
			d.close()
			return nil, err
		}
		d.servers = append(d.servers, srv)
		fmt.Fprintf(&inv, "  - name: %s  # %s\n", name, profile)
		blocks = append(blocks, sshconfig.Block{Patterns: []string{name},
			Options: []sshconfig.Option{sshconfig.Opt("HostName", "127.0.0.1"), sshconfig.Opt("Port", strconv.Itoa(srv.Port()))}})
		fmt.Fprintf(&kh, "[127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(signer.PublicKey()))
	}
	blocks = append(blocks, sshconfig.Block{Patterns: []string{"*"}, Options: []sshconfig.Option{
		sshconfig.Opt("User", "demo"), sshconfig.Opt("IdentityFile", keyPath), sshconfig.Opt("IdentitiesOnly", "yes"),
		sshconfig.Opt("UserKnownHostsFile", filepath.Join(dir, "known_hosts"))}})
	cfg, err := sshconfig.Format("fleetcheck demo ssh_config (simulated hosts)", blocks)
	if err != nil {
		d.close()
		return nil, err
	}
	for name, body := range map[string]string{"inventory.yaml": inv.String(), "ssh_config": cfg, "known_hosts": kh.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			d.close()
			return nil, err
		}
	}
	return d, nil
}

// replayHandler answers fleetcheck's probe batches from recordings, as a
// simulated host does.
func replayHandler(answers remote.Replay) sshsim.Handler {
	return func(s *sshsim.Session) int {
		script, err := io.ReadAll(io.LimitReader(s.Stdin, 1<<20))
		if err != nil {
			return 255
		}
		exit, _ := answers.Run(s.Context(), remote.Command{Stdin: script, Stdout: s.Stdout, Stderr: s.Stderr})
		return exit.Code
	}
}
