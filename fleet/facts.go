package fleet

// The built-in probes' names. Each is a flag value (--probes), a key of
// Snapshot.Probes, a fact prefix in reports and the JSON name of the Facts
// field the probe fills.
const (
	ProbeOS                 = "os"
	ProbeMounts             = "mounts"
	ProbeDiskSpace          = "disk_space"
	ProbePerl               = "perl"
	ProbePerlModules        = "perl_modules"
	ProbePackages           = "packages"
	ProbeMailScannerConfig  = "mailscanner_config"
	ProbeProcesses          = "processes"
	ProbeMemory             = "memory"
	ProbeDNS                = "dns"
	ProbeMailScannerVersion = "mailscanner_version"
	ProbeMailScannerLint    = "mailscanner_lint"
)

// Facts are the typed facts of one host. Each field is filled by the probe of
// the same JSON name; a nil field means the probe did not run or failed, so
// the fact is unknown. An empty list inside a non-nil field means "none".
type Facts struct {
	OS          *OS                `json:"os,omitempty"`
	Mounts      *Mounts            `json:"mounts,omitempty"`
	MailScanner *MailScanner       `json:"mailscanner_version,omitempty"`
	Lint        *Lint              `json:"mailscanner_lint,omitempty"`
	Perl        *Perl              `json:"perl,omitempty"`
	PerlModules *PerlModules       `json:"perl_modules,omitempty"`
	Packages    *Packages          `json:"packages,omitempty"`
	Config      *MailScannerConfig `json:"mailscanner_config,omitempty"`
	Processes   *Processes         `json:"processes,omitempty"`
	DiskSpace   *DiskSpace         `json:"disk_space,omitempty"`
	Memory      *Memory            `json:"memory,omitempty"`
	DNS         *DNS               `json:"dns,omitempty"`
	// Custom holds the inventory's command probes, keyed by probe name.
	Custom map[string]*Custom `json:"custom,omitempty"`
}

// builtinProbes are the built-in probes in the order they run and are
// reported, each with the Facts field it fills.
var builtinProbes = [...]probeField{
	field(ProbeOS, func(f *Facts) **OS { return &f.OS }),
	field(ProbeMounts, func(f *Facts) **Mounts { return &f.Mounts }),
	field(ProbeDiskSpace, func(f *Facts) **DiskSpace { return &f.DiskSpace }),
	field(ProbePerl, func(f *Facts) **Perl { return &f.Perl }),
	field(ProbePerlModules, func(f *Facts) **PerlModules { return &f.PerlModules }),
	field(ProbePackages, func(f *Facts) **Packages { return &f.Packages }),
	field(ProbeMailScannerConfig, func(f *Facts) **MailScannerConfig { return &f.Config }),
	field(ProbeProcesses, func(f *Facts) **Processes { return &f.Processes }),
	field(ProbeMemory, func(f *Facts) **Memory { return &f.Memory }),
	field(ProbeDNS, func(f *Facts) **DNS { return &f.DNS }),
	field(ProbeMailScannerVersion, func(f *Facts) **MailScanner { return &f.MailScanner }),
	field(ProbeMailScannerLint, func(f *Facts) **Lint { return &f.Lint }),
}

// OS describes the operating system, kernel and load.
type OS struct {
	Hostname      string `json:"hostname,omitempty"`
	Uname         string `json:"uname"`          // uname -a
	KernelRelease string `json:"kernel_release"` // uname -r
	Arch          string `json:"arch,omitempty"` // uname -m
	// Distro is the release line, e.g. "CentOS release 5.11 (Final)" or "Debian GNU/Linux 12 (bookworm)".
	Distro string `json:"distro"`
	// ID and VersionID follow os-release (centos, rhel, debian; "5.11", "12").
	ID        string `json:"id,omitempty"`
	VersionID string `json:"version_id,omitempty"`
	// Family is rhel, debian, suse or empty.
	Family        string     `json:"family,omitempty"`
	CPUs          int        `json:"cpus"`
	MemTotalKB    int64      `json:"mem_total_kb"`
	UptimeSeconds float64    `json:"uptime_seconds"`
	Load          [3]float64 `json:"load"`
}

// Mounts is /proc/mounts plus the mount holding each directory of interest.
type Mounts struct {
	All []Mount `json:"all"`
	// Paths are the directories MailScanner and its installers use
	// (/tmp, /var/tmp, /var/spool/MailScanner, configured work dirs).
	Paths []PathMount `json:"paths"`
}

// Mount is one line of /proc/mounts.
type Mount struct {
	Device     string   `json:"device"`
	MountPoint string   `json:"mount_point"`
	Type       string   `json:"type"`
	Options    []string `json:"options"`
}

// PathMount tells which mount holds a directory and with which flags.
type PathMount struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	// RealPath is the physical path when Path goes through a symbolic link;
	// the mount is the one holding RealPath.
	RealPath   string   `json:"real_path,omitempty"`
	MountPoint string   `json:"mount_point"`
	Device     string   `json:"device,omitempty"`
	Type       string   `json:"type,omitempty"`
	Options    []string `json:"options,omitempty"`
	NoExec     bool     `json:"noexec"`
	NoSuid     bool     `json:"nosuid"`
	NoDev      bool     `json:"nodev"`
	ReadOnly   bool     `json:"ro"`
	// Source says why the path is of interest: "default" or the config key.
	Source string `json:"source,omitempty"`
	// SizeKB and FreeKB come from df -P on this directory only; nil when unknown.
	SizeKB *int64 `json:"size_kb,omitempty"`
	FreeKB *int64 `json:"free_kb,omitempty"`
}

// SetOptions records the holding mount's options and the flags read from them.
func (pm *PathMount) SetOptions(opts []string) {
	pm.Options = opts
	pm.NoExec, pm.NoSuid, pm.NoDev, pm.ReadOnly = false, false, false, false
	for _, o := range opts {
		switch o {
		case "noexec":
			pm.NoExec = true
		case "nosuid":
			pm.NoSuid = true
		case "nodev":
			pm.NoDev = true
		case "ro":
			pm.ReadOnly = true
		}
	}
}

// MailScanner is the output of MailScanner -v.
type MailScanner struct {
	// Path is the MailScanner program that was run.
	Path    string `json:"path"`
	Version string `json:"version"`
	// Product is "MailScanner", or "Baruwa" for the fork.
	Product     string `json:"product,omitempty"`
	PerlVersion string `json:"perl_version,omitempty"` // "5.008008 (5.8.8)"
	Uname       string `json:"uname,omitempty"`
	// OSLines are the "This is ..." release lines.
	OSLines  []string        `json:"os_lines,omitempty"`
	Modules  []ModuleVersion `json:"modules"`
	Optional []ModuleVersion `json:"optional"`
	// Extra keeps lines the parser did not recognise.
	Extra []string `json:"extra,omitempty"`
}

// ModuleVersion is one "VERSION<TAB>Module" line of MailScanner -v.
type ModuleVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"` // "missing" when MailScanner could not load it
	Missing bool   `json:"missing,omitempty"`
}

// Lint is the classified output of MailScanner --lint.
type Lint struct {
	TimedOut bool `json:"timed_out"`
	ExitCode int  `json:"exit_code"`
	// Errors and Warnings are configuration and runtime complaints.
	Errors   []LintMessage `json:"errors"`
	Warnings []LintMessage `json:"warnings"`
	// VersionOK is nil when lint printed no version check.
	VersionOK        *bool  `json:"version_ok,omitempty"`
	ConfVersion      string `json:"conf_version,omitempty"`
	InstalledVersion string `json:"installed_version,omitempty"`
	// SpamAssassin is "ok", "error" or "" (not checked).
	SpamAssassin string `json:"spamassassin,omitempty"`
	// SpamAssassinLines are SpamAssassin's own messages during the check.
	SpamAssassinLines       []string `json:"spamassassin_lines,omitempty"`
	VirusScannersConfigured []string `json:"virus_scanners_configured,omitempty"`
	VirusScannersFound      []string `json:"virus_scanners_found,omitempty"`
	// Infections is what the EICAR test found; -1 when no test ran.
	Infections int `json:"infections"`
	// TmpPermission is set when lint said /tmp needs chmod 1777.
	TmpPermission bool `json:"tmp_permission,omitempty"`
	// Died is set when perl died in the middle of the lint (exit 255 with
	// perl's fatal message): MailScanner dies the same way on real mail.
	Died *LintDeath `json:"died,omitempty"`
	// Raw is the whole output, escapes stripped and capped, without perl's
	// deprecation notices about MailScanner's own code.
	Raw string `json:"raw"`
}

// LintDeath is perl's last word when MailScanner --lint died.
type LintDeath struct {
	// Message is perl's message with its " at FILE line N." split off.
	LintMessage
	// Package is the Perl package the message names ("Archive::Zip" in
	// "Undefined subroutine &Archive::Zip::setErrorHandler called"), or "".
	Package string `json:"package,omitempty"`
}

// LintMessage is one complaint with Perl's "at FILE line N." suffix split off.
type LintMessage struct {
	Text string `json:"text"`
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Perl describes the perl that MailScanner runs with.
type Perl struct {
	Path     string `json:"path"`
	Version  string `json:"version"` // "5.36.0"
	Archname string `json:"archname"`
	// INC is @INC in order, with MailScanner's library directories first as MailScanner sees it.
	INC []string `json:"inc"`
	// Dirs holds %Config install dirs: privlib, archlib, sitelib, sitearch, vendorlib, vendorarch.
	Dirs map[string]string `json:"dirs"`
}

// PerlModules is where perl loads each module of interest from.
type PerlModules struct {
	Modules []PerlModule `json:"modules"`
	// CPANLog is CPAN's perllocal.pod install log.
	CPANLog []CPANInstall `json:"cpan_log"`
	// ScanTruncated is set when the search of @INC for modules with more
	// than one copy stopped at its bounds, so some duplicates may be missing.
	ScanTruncated bool `json:"scan_truncated,omitempty"`
}

// PerlModule is one module: every copy in @INC order, and whether it loads.
type PerlModule struct {
	Name string `json:"name"`
	// Source says why the module was inspected: "list" (MailScanner's and
	// its installers' modules), "extra" (the inventory) or "duplicate"
	// (more than one copy in @INC).
	Source string `json:"source,omitempty"`
	// Loads is whether "require Module" succeeded.
	Loads     bool   `json:"loads"`
	LoadError string `json:"load_error,omitempty"`
	// LoadedPath is the file "require" loaded (%INC), when it loaded.
	LoadedPath string `json:"loaded_path,omitempty"`
	// LoadedBy, when set, names the probe that saw the module load, in
	// place of perl_modules' own require: "mailscanner_version" when
	// MailScanner -v, run in the same session, printed its version.
	// LoadedPath is then unknown (empty).
	LoadedBy string `json:"loaded_by,omitempty"`
	// Copies in @INC order; the first is the one perl loads.
	Copies []ModuleCopy `json:"copies"`
}

// Loaded returns the copy perl loads, if any.
func (m PerlModule) Loaded() (ModuleCopy, bool) {
	if len(m.Copies) == 0 {
		return ModuleCopy{}, false
	}
	return m.Copies[0], true
}

// ModuleCopy is one file of a module found under one @INC directory.
type ModuleCopy struct {
	Path    string `json:"path"`
	IncDir  string `json:"inc_dir"`
	Version string `json:"version"` // parsed statically; "" when it has none
	Owner   Owner  `json:"owner"`
}

// Owner is the package that owns a file, or none (a CPAN or hand install).
type Owner struct {
	// Manager is "rpm", "dpkg" or "" when no package owns the file.
	Manager  string `json:"manager,omitempty"`
	Package  string `json:"package,omitempty"`
	Version  string `json:"version,omitempty"` // [epoch:]version-release for RPM
	Vendor   string `json:"vendor,omitempty"`
	Packager string `json:"packager,omitempty"`
}

// CPANInstall is one entry of perllocal.pod.
type CPANInstall struct {
	Module  string `json:"module"`
	Version string `json:"version"`
	Date    string `json:"date"`
	Dir     string `json:"dir,omitempty"`
}

// Packages are the installed packages of interest and tool versions.
type Packages struct {
	// Manager is "rpm" or "dpkg".
	Manager  string    `json:"manager"`
	Packages []Package `json:"packages"`
	// Tools maps a tool (spamassassin, clamscan, clamd, sa-update) to the version it prints.
	Tools map[string]string `json:"tools,omitempty"`
	// BuildTools says which programs the MailScanner installers build with
	// are on the host. Nil when they were not looked for (a snapshot from
	// an older fleetcheck): unknown, never missing.
	BuildTools *BuildTools `json:"build_tools,omitempty"`
	// Programs says, for each program an installer builds only when it is
	// missing (the tarball installer's /usr/local/bin/tnef), whether the
	// host has it. Nil when not looked for: unknown, never missing.
	Programs map[string]bool `json:"programs,omitempty"`
}

// BuildTools are the build programs (make, gcc, cc, patch, rpmbuild) found
// on a host by command -v or in the usual bin directories. A tool in
// neither Found nor Missing was not reported: unknown.
type BuildTools struct {
	// Found maps each tool found to its path.
	Found map[string]string `json:"found"`
	// Missing lists, sorted, the tools looked for and not found.
	Missing []string `json:"missing"`
}

// Package is one installed package.
type Package struct {
	Name        string `json:"name"`
	Epoch       string `json:"epoch,omitempty"`
	Version     string `json:"version"`
	Release     string `json:"release,omitempty"`
	Arch        string `json:"arch,omitempty"`
	Vendor      string `json:"vendor,omitempty"`
	Packager    string `json:"packager,omitempty"`
	InstallTime int64  `json:"install_time,omitempty"`
}

// MailScannerConfig is MailScanner.conf as MailScanner reads it.
type MailScannerConfig struct {
	Path string `json:"path"`
	// Files read, in order (the main file, then includes).
	Files []string `json:"files"`
	// Values maps a normalised key (lower-case, [a-z0-9%] only) to its effective value.
	Values map[string]ConfigValue `json:"values"`
	// Problems are lines that could not be read as settings.
	Problems []string `json:"problems,omitempty"`
}

// ConfigValue is one effective setting and where it came from.
type ConfigValue struct {
	// Key is the key as written in the file.
	Key   string `json:"key"`
	Value string `json:"value"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	// Secret is set when Value is a fingerprint of a secret, not the secret.
	Secret bool `json:"secret,omitempty"`
}

// Processes are the MailScanner processes.
type Processes struct {
	Master   []Process `json:"master"`
	Children []Process `json:"children"`
	// MaxChildren is MailScanner.conf's effective Max Children, copied from
	// the mailscanner_config facts after collection; 0 when unknown.
	MaxChildren int `json:"max_children,omitempty"`
}

// Process is one line of ps.
type Process struct {
	PID        int    `json:"pid"`
	PPID       int    `json:"ppid"`
	Stat       string `json:"stat"`
	ElapsedSec int64  `json:"elapsed_sec"`
	CPUSec     int64  `json:"cpu_sec"`
	Args       string `json:"args"`
}

// Custom is the output of an inventory command probe.
type Custom struct {
	Command  string   `json:"command"`
	ExitCode int      `json:"exit_code"`
	Lines    []string `json:"lines"`
}
