package fleet

// DiskSpace is df -P -k and df -P -i of the directories MailScanner and its
// MTA write to, each asked alone (never the whole tree: a stale NFS mount
// would hang df).
type DiskSpace struct {
	Dirs []DirSpace `json:"dirs"`
}

// DirSpace is the filesystem holding one directory, as df reports it.
type DirSpace struct {
	Path string `json:"path"`
	// Sources say why the directory was looked at: "default" (a shipped
	// location: /tmp, /var, the spool and MTA queues) and the
	// MailScanner.conf keys naming it ("incomingworkdir", ...).
	Sources    []string `json:"sources"`
	MountPoint string   `json:"mount_point,omitempty"`
	Device     string   `json:"device,omitempty"`
	// Hung is set when df on this directory never returned (the probe ran
	// out of time there): its filesystem is unknown.
	Hung bool `json:"hung,omitempty"`
	// Blocks and Inodes are nil when df did not report them (inodes on
	// filesystems without a fixed inode table are reported as zero: nil).
	Blocks *Usage `json:"blocks,omitempty"`
	Inodes *Usage `json:"inodes,omitempty"`
}

// Usage is one df line: size, used and available in KB (blocks) or inodes,
// and df's own capacity percentage (used / (used + available), rounded up).
type Usage struct {
	Total       int64 `json:"total"`
	Used        int64 `json:"used"`
	Free        int64 `json:"free"`
	UsedPercent int   `json:"used_percent"`
}

// Full reports whether nothing is left for an unprivileged writer:
// capacity at 100 % or nothing available.
func (u *Usage) Full() bool { return u != nil && u.Total > 0 && (u.UsedPercent >= 100 || u.Free <= 0) }

// Memory is /proc/meminfo and the resident size of MailScanner's processes.
type Memory struct {
	TotalKB int64 `json:"total_kb"`
	// AvailableKB is MemAvailable, or on kernels without it (before 3.14,
	// CentOS 4 to 6) MemFree + Buffers + Cached + SReclaimable.
	AvailableKB int64 `json:"available_kb"`
	// AvailableEstimated is set when the kernel had no MemAvailable.
	AvailableEstimated bool  `json:"available_estimated,omitempty"`
	SwapTotalKB        int64 `json:"swap_total_kb"`
	// SwapUsedKB is SwapTotal - SwapFree - SwapCached: swap holding pages
	// no longer in memory.
	SwapUsedKB int64 `json:"swap_used_kb"`
	// MasterRSSKB and ChildRSSKB are the resident sizes of MailScanner's
	// master processes and children (ps -o rss), by PID order.
	MasterRSSKB []int64 `json:"master_rss_kb"`
	ChildRSSKB  []int64 `json:"child_rss_kb"`
}

// DNS is the resolver configuration and one lookup through it.
type DNS struct {
	// Nameservers, Search and Options are /etc/resolv.conf's, in order
	// (a "domain" line counts as the search list when there is no search).
	Nameservers []string `json:"nameservers"`
	Search      []string `json:"search,omitempty"`
	Options     []string `json:"options,omitempty"`
	// Name is what was looked up: the first search domain, else the
	// domain of the host's full name, else "localhost".
	Name string `json:"name,omitempty"`
	// Lookups are the answers of each nameserver (three at most, as the
	// resolver uses) to one query for Name, in resolv.conf's order.
	Lookups []Lookup `json:"lookups"`
}

// Lookup is one nameserver's answer to the query.
type Lookup struct {
	Nameserver string `json:"nameserver"`
	// Result is "answer" (any DNS reply: NOERROR, NXDOMAIN, SERVFAIL...),
	// "timeout" (no reply in time), "error" (refused, unreachable) or
	// "skipped" (an address Perl 5.8 cannot ask, e.g. IPv6).
	Result string `json:"result"`
	// RCode is the reply's code (NOERROR, NXDOMAIN, ...) when it answered.
	RCode string `json:"rcode,omitempty"`
	// Error is the system's word for an error.
	Error string `json:"error,omitempty"`
	// MS is how long the nameserver took, in milliseconds.
	MS int64 `json:"ms"`
}

// Answered reports whether the nameserver replied.
func (l Lookup) Answered() bool { return l.Result == LookupAnswer }

// Lookup results.
const (
	LookupAnswer  = "answer"
	LookupTimeout = "timeout"
	LookupError   = "error"
	LookupSkipped = "skipped"
)

// TarballTnef is the program whose presence makes MailScanner's tarball
// installer skip building tnef (./configure && make in its build
// directory).
const TarballTnef = "/usr/local/bin/tnef"
