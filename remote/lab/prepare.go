package lab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
)

// fcpassHash is crypt("fleetlab", "$6$fleetlab$"): fcpass has a real
// password, so sudo asks for it.
const fcpassHash = "$6$fleetlab$Sg3IlXubPsAXT7Sjxde4oZEekCh/ThC3o8aPH7yBLnrc7NloaTB89Go3TOw2821Vxxb6hWbU1NNgDxR6iKCFm."

// mailScannerVersion is the version of the MailScanner RPM the rpm profile
// registers (its program is the stand-in in 4.84.3 mode).
const mailScannerVersion = "4.84.3"

// standInVersionLine is the stand-in's line that names the version it
// plays; each host's copy gets its own.
const standInVersionLine = "my $Version = '4.84.3';"

// standIn returns the MailScanner stand-in playing version.
func standIn(version string) []byte {
	body := string(asset("MailScanner"))
	if !strings.Contains(body, standInVersionLine) {
		panic("lab: the MailScanner stand-in has no version line")
	}
	return []byte(strings.Replace(body, standInVersionLine, "my $Version = '"+version+"';", 1))
}

// eicarSignature is a ClamAV hash signature (MD5:size:name) of the EICAR
// test file: the lab's virus database, so that clamscan finds MailScanner
// --lint's test virus as in the field.
const eicarSignature = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"

// mailScannerRPM keys the staged mailscanner package among the module copies.
const mailScannerRPM = "mailscanner"

// hostPlan is one host being set up.
type hostPlan struct {
	Host
	prof    profile
	dir     string // DIR/hosts/NAME
	keyDir  string // DIR/keys/NAME (kept across starts)
	hostKey string // private host key path
	pubKey  string // authorized_keys-style public key line of the host key
}

// confData fills MailScanner.conf.tmpl.
type confData struct {
	Name, Profile, UseSpamAssassin, VirusScanners, ConfVersion string
	CustomFunctionsDir                                         string
	MaxChildren, RestartEvery                                  int
	Unconfigured                                               bool
}

var confTemplate = template.Must(template.New("conf").Parse(string(asset("MailScanner.conf.tmpl"))))

// prepareHost writes everything host-start.sh mounts for one sshd host.
func (l *Lab) prepareHost(ctx context.Context, h *hostPlan, perl perlInfo, stages map[string]*staged, uid int) error {
	if err := os.RemoveAll(h.dir); err != nil {
		return err
	}
	etc := filepath.Join(h.dir, "layers", "etc")
	local := filepath.Join(h.dir, "upper", "local")
	for _, d := range []string{
		etc, filepath.Join(h.dir, "layers", "sbin"), local,
		filepath.Join(h.dir, "upper", "run", "sshd"),
		filepath.Join(h.dir, "upper", "log"), filepath.Join(h.dir, "upper", "home"),
		filepath.Join(h.dir, "work", "local"), filepath.Join(h.dir, "work", "run"),
		filepath.Join(h.dir, "work", "log"), filepath.Join(h.dir, "work", "home"),
		filepath.Join(h.dir, "rpmdb"),
		filepath.Join(local, strings.TrimPrefix(perl.sitelib, "/usr/local/")),
		filepath.Join(local, strings.TrimPrefix(perl.sitearch, "/usr/local/")),
	} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	p := h.prof

	// MailScanner: the stand-in program and its configuration.
	if !p.noMailScanner {
		if err := writeMailScanner(h, etc); err != nil {
			return err
		}
	}

	// The virus database clamscan reads (/var/lib/clamav).
	if err := writeFile(filepath.Join(h.dir, "layers", "clamav", "fleetlab-eicar.hdb"), []byte(eicarSignature), 0o644); err != nil {
		return err
	}

	// The client key, where every login user can read it whatever the
	// permissions above the lab directory: path lookups below the /etc
	// overlay do not walk the layer's own ancestors.
	if err := writeFile(filepath.Join(etc, "ssh", "fleetlab_authorized_keys"), l.authorizedKeys, 0o644); err != nil {
		return err
	}

	// Identity of the host: name, address, RPM database location.
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return err
	}
	hosts = append(hosts, []byte(fmt.Sprintf("%s\t%s\n", h.Address, h.Name))...)
	if err := writeFile(filepath.Join(etc, "hosts"), hosts, 0o644); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(etc, "hostname"), []byte(h.Name+"\n"), 0o644); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(etc, "rpm", "macros"), []byte("# fleetlab: this host's own RPM database\n%_dbpath /var/lib/rpm\n"), 0o644); err != nil {
		return err
	}

	// Users and sudo.
	if p.user != "" {
		if err := addUser(etc, filepath.Join(h.dir, "upper", "home", p.user), p.user, uid, p.password); err != nil {
			return err
		}
	}
	if p.sudoers != "" {
		if err := writeFile(filepath.Join(etc, "sudoers.d", "fleetlab"), []byte(p.sudoers), 0o440); err != nil {
			return err
		}
	}

	// Perl site directories.
	for _, f := range p.site {
		dst := filepath.Join(local, strings.TrimPrefix(perl.siteDir(f.dir), "/usr/local/"), f.path)
		if err := writeFile(dst, asset("site/"+f.dir+"/"+f.path), 0o644); err != nil {
			return err
		}
	}
	for _, c := range append(append([]oldCopy(nil), p.copies...), p.rpms...) {
		s := stages[c.dist]
		if err := copyTree(filepath.Join(s.root, "usr", "local"), local); err != nil {
			return err
		}
	}
	if len(p.perllocal) > 0 {
		var pod strings.Builder
		for _, e := range p.perllocal {
			fmt.Fprintf(&pod, "=head2 %s: C<Module> L<%s|%s>\n\n=over 4\n\n=item *\n\nC<installed into: %s>\n\n"+
				"=item *\n\nC<LINKTYPE: dynamic>\n\n=item *\n\nC<VERSION: %s>\n\n=item *\n\nC<EXE_FILES: >\n\n=back\n\n",
				e.date, e.module, e.module, perl.siteDir(e.dir), e.version)
		}
		dst := filepath.Join(local, strings.TrimPrefix(perl.sitearch, "/usr/local/"), "perllocal.pod")
		if err := writeFile(dst, []byte(pod.String()), 0o644); err != nil {
			return err
		}
	}

	// RPM database: the RPM-owned copies were placed above and the program
	// in the /usr/sbin layer; register them with their RPMs.
	if len(p.rpms) > 0 {
		db := filepath.Join(h.dir, "rpmdb")
		if err := run(ctx, "rpm", "--initdb", "--dbpath", db); err != nil {
			return err
		}
		staged, err := os.Stat(filepath.Join(stages[mailScannerRPM].root, "usr", "sbin", "MailScanner"))
		if err != nil {
			return err
		}
		mtime := staged.ModTime()
		if err := os.Chtimes(filepath.Join(h.dir, "layers", "sbin", "MailScanner"), mtime, mtime); err != nil {
			return err
		}
		args := []string{"-i", "--justdb", "--nodeps", "--noscripts", "--dbpath", db, stages[mailScannerRPM].rpm}
		for _, c := range p.rpms {
			args = append(args, stages[c.dist].rpm)
		}
		if err := run(ctx, "rpm", args...); err != nil {
			return err
		}
	}

	// sshd.
	if err := writeFile(filepath.Join(h.dir, "sshd_config"), []byte(l.sshdConfig(h)), 0o644); err != nil {
		return err
	}
	size := 64
	if p.tmpSizeMB > 0 {
		size = p.tmpSizeMB
	}
	tmp := fmt.Sprintf("nosuid,nodev,mode=1777,size=%dm", size)
	if p.noexecTmp {
		tmp = "noexec," + tmp
	}
	env := fmt.Sprintf("LAB_HOSTNAME=%s\nLAB_TMP_OPTIONS=%s\n", h.Name, tmp)
	if p.fillTmp {
		env += "LAB_FILL_TMP=1\n"
	}
	if p.deadDNS {
		// The host's own address answers nothing on port 53; the
		// machine's nameservers follow, so other lookups still work.
		resolv := "# fleetlab: the first nameserver never answers\nnameserver " + h.Address + "\n"
		if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
			resolv += string(b)
		}
		if err := writeFile(filepath.Join(etc, "resolv.conf"), []byte(resolv), 0o644); err != nil {
			return err
		}
		env += "LAB_DNS_SINK=" + h.Address + "\n"
	}
	if p.children > 0 {
		env += fmt.Sprintf("LAB_CHILDREN=%d\nLAB_CHILD_MB=%d\n", p.children, p.childMB)
	}
	return writeFile(filepath.Join(h.dir, "host.env"), []byte(env), 0o644)
}

// writeMailScanner writes the host's MailScanner stand-in into its /usr/sbin
// layer and MailScanner's configuration under etc, its /etc layer.
func writeMailScanner(h *hostPlan, etc string) error {
	p := h.prof
	if err := writeFile(filepath.Join(h.dir, "layers", "sbin", "MailScanner"), standIn(h.MailScanner), 0o755); err != nil {
		return err
	}
	// The file names and paths of each release's own package.
	prefs, custom := "spam.assassin.prefs.conf", "/usr/lib/MailScanner/MailScanner/CustomFunctions"
	if !strings.HasPrefix(h.MailScanner, "4.") {
		prefs, custom = "spamassassin.conf", "/usr/share/MailScanner/perl/custom"
	}
	var conf bytes.Buffer
	err := confTemplate.Execute(&conf, confData{
		Name: h.Name, Profile: h.Profile, UseSpamAssassin: p.useSA, VirusScanners: "clamav",
		ConfVersion: h.MailScanner, CustomFunctionsDir: custom, MaxChildren: p.maxChildren, RestartEvery: 7200,
		Unconfigured: p.unconfigured,
	})
	if err != nil {
		return err
	}
	ms := filepath.Join(etc, "MailScanner")
	org := "FleetLab"
	if p.unconfigured {
		org = "yoursite"
	}
	files := map[string]string{
		"MailScanner.conf": conf.String(),
		"conf.d/README": "# Files in this directory are read after MailScanner.conf, in name order.\n" +
			"# Put local overrides here; later settings override earlier ones.\n",
		prefs: "# SpamAssassin settings for MailScanner (fleetlab)\n" +
			"envelope_sender_header X-" + org + "-MailScanner-From\n",
	}
	if p.confD != "" {
		files["conf.d/zz-local.conf"] = p.confD
	}
	for name, body := range files {
		if err := writeFile(filepath.Join(ms, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (l *Lab) sshdConfig(h *hostPlan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# fleetlab sshd for host %s (profile %s)\n", h.Name, h.Profile)
	fmt.Fprintf(&b, "ListenAddress %s:%d\n", h.Address, l.port)
	fmt.Fprintf(&b, "HostKey %s\n", h.hostKey)
	b.WriteString("PidFile none\nUsePAM no\nPermitRootLogin prohibit-password\n")
	b.WriteString("PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n")
	b.WriteString("AuthorizedKeysFile /etc/ssh/fleetlab_authorized_keys\n")
	b.WriteString("StrictModes yes\nUseDNS no\nPrintMotd no\nPrintLastLog no\nX11Forwarding no\n")
	b.WriteString("MaxStartups 100:30:200\nMaxSessions 64\nLogLevel INFO\nAcceptEnv LANG LC_*\n")
	b.WriteString("Subsystem sftp internal-sftp\n")
	if h.prof.legacy {
		// A 2008-era OpenSSH 4.3 (CentOS 5) in the closest set Debian 12's
		// OpenSSH 9.2 still accepts: all of these are still compiled in.
		// User-key signatures are not limited to ssh-rsa: sshd 9.2 always
		// advertises rsa-sha2-* in server-sig-algs (an old server sends no
		// ext-info at all), so clients rightly pick rsa-sha2-512 and a limit
		// would only fail them in the lab.
		b.WriteString("KexAlgorithms diffie-hellman-group14-sha1\n")
		b.WriteString("Ciphers aes128-cbc,3des-cbc\n")
		b.WriteString("MACs hmac-sha1\n")
		b.WriteString("HostKeyAlgorithms ssh-rsa\n")
	}
	return b.String()
}

// addUser gives the host's /etc layer copies of passwd, group and shadow
// with one more user, whose home /home/USER is homeDir in the host's /home
// layer; the machine's own files are not touched.
func addUser(etc, homeDir, user string, uid int, password bool) error {
	if err := os.MkdirAll(homeDir, 0o755); err != nil {
		return err
	}
	if err := os.Chown(homeDir, uid, uid); err != nil {
		return err
	}
	home := "/home/" + user
	hash := "*"
	if password {
		hash = fcpassHash
	}
	adds := map[string]string{
		"passwd": fmt.Sprintf("%s:x:%d:%d:fleetcheck lab user:%s:/bin/bash\n", user, uid, uid, home),
		"group":  fmt.Sprintf("%s:x:%d:\n", user, uid),
		"shadow": fmt.Sprintf("%s:%s:19750:0:99999:7:::\n", user, hash),
	}
	for name, line := range adds {
		src := filepath.Join("/etc", name)
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		st, err := os.Stat(src)
		if err != nil {
			return err
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
		dst := filepath.Join(etc, name)
		if err := writeFile(dst, append(b, line...), st.Mode().Perm()); err != nil {
			return err
		}
		if gid, ok := fileGID(st); ok {
			if err := os.Chown(dst, 0, gid); err != nil {
				return err
			}
		}
	}
	return nil
}

// freeUID returns n unused user and group ids from 4100 up, according to
// the machine's passwd and group files.
func freeUIDs(n int) ([]int, error) {
	used := map[int]bool{}
	for _, f := range []string{"/etc/passwd", "/etc/group"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if fields := strings.Split(line, ":"); len(fields) > 2 {
				if id, err := strconv.Atoi(fields[2]); err == nil {
					used[id] = true
				}
			}
		}
	}
	var out []int
	for id := 4100; len(out) < n; id++ {
		if !used[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

func writeFile(path string, b []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, b, mode); err != nil {
		return err
	}
	return os.Chmod(path, mode)
}

// run runs a command, returning its output in the error when it fails.
func run(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(string(out), 10))
	}
	return nil
}
