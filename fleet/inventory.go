package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Transport names accepted by the inventory key "transport".
const (
	TransportNative  = "native"  // golang.org/x/crypto/ssh, the default
	TransportOpenSSH = "openssh" // the system ssh binary
)

// Built-in defaults, used where neither the inventory nor ssh_config says otherwise.
const (
	DefaultTimeout      = 120 * time.Second
	DefaultProbeTimeout = 60 * time.Second // for probes without a default of their own
	DefaultPort         = 22
)

// Inventory is a validated inventory file.
type Inventory struct {
	// File is the path the inventory was read from, for messages.
	File string
	// SSHConfig is the ssh_config file hosts resolve through ("" means ~/.ssh/config).
	SSHConfig string
	// KnownHosts are the known_hosts files; empty means UserKnownHostsFile
	// from ssh_config, else ~/.ssh/known_hosts.
	KnownHosts []string
	// Baseline names the known-good host, or is empty.
	Baseline string
	// Defaults apply to every host, below ssh_config and explicit host or group values.
	Defaults Settings
	// Groups maps a group name to its members in file order.
	Groups map[string]*Group
	// Hosts in file order.
	Hosts []Host
	// Probes are the custom command probes.
	Probes []CustomProbe
	// PerlModules are extra Perl modules to inspect on every host.
	PerlModules []string
	// Waivers are the accepted differences, in file order.
	Waivers []Waiver
	// Digest identifies the inventory's content (sha256 of the file, hex).
	Digest string
}

// Settings are the per-host connection and collection settings. A zero field is unset.
type Settings struct {
	User             string
	Port             int
	Sudo             *bool
	Timeout          time.Duration
	ProbeTimeout     time.Duration
	Transport        string
	LegacyAlgorithms *bool
	IdentityFile     string
}

// Group is a named set of hosts with optional settings of its own.
type Group struct {
	Name     string
	Members  []string
	Settings Settings
	Line     int
}

// Host is one inventory host with its settings merged: host values win over
// group values, group values over the inventory's defaults. Values that
// ssh_config may override (user, port) are kept apart in Explicit and Defaults
// so that the transport can apply "inventory, then ssh_config, then defaults".
type Host struct {
	// Name is the inventory name, also the ssh_config alias.
	Name string
	// Address is the explicit address, or empty (then ssh_config HostName, then Name).
	Address string
	// Explicit holds the settings given on the host or one of its groups.
	Explicit Settings
	// Defaults holds the inventory's defaults block.
	Defaults Settings
	// Groups the host belongs to, sorted.
	Groups []string
	// Line is the host's line in the inventory file.
	Line int
}

// Sudo reports whether probes that need root run through sudo -n.
func (h Host) Sudo() bool {
	if h.Explicit.Sudo != nil {
		return *h.Explicit.Sudo
	}
	return h.Defaults.Sudo != nil && *h.Defaults.Sudo
}

// LegacyAlgorithms reports whether insecure legacy SSH algorithms are allowed for this host.
func (h Host) LegacyAlgorithms() bool {
	if h.Explicit.LegacyAlgorithms != nil {
		return *h.Explicit.LegacyAlgorithms
	}
	return h.Defaults.LegacyAlgorithms != nil && *h.Defaults.LegacyAlgorithms
}

// Timeout is the deadline for the whole host.
func (h Host) Timeout() time.Duration {
	return firstDuration(h.Explicit.Timeout, h.Defaults.Timeout, DefaultTimeout)
}

// ProbeTimeout is the deadline of every probe as the inventory sets it, or
// zero when it does not (each probe then has its own default, usually
// DefaultProbeTimeout).
func (h Host) ProbeTimeout() time.Duration {
	return firstDuration(h.Explicit.ProbeTimeout, h.Defaults.ProbeTimeout)
}

// Transport is the transport name, TransportNative unless set.
func (h Host) Transport() string {
	return firstString(h.Explicit.Transport, h.Defaults.Transport, TransportNative)
}

// CustomProbe is a command probe declared in the inventory. Its command is
// the user's own; its output is compared line by line.
type CustomProbe struct {
	Name    string
	Command string
	Sudo    bool
	Timeout time.Duration
	Line    int
}

// LoadInventory reads and validates the inventory at path.
func LoadInventory(path string) (*Inventory, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseInventory(path, bytes.NewReader(b))
}

// ParseInventory decodes and validates an inventory. Every problem found is
// reported, each as "FILE:LINE: message", joined into one error.
func ParseInventory(file string, r io.Reader) (*Inventory, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	inv, errs := decodeInventory(file, src)
	if len(errs) > 0 {
		return nil, errs.err()
	}
	return inv, nil
}

// InventoryError is one problem in an inventory file.
type InventoryError struct {
	File string
	Line int
	Msg  string
}

func (e *InventoryError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

type inventoryErrors []*InventoryError

func (es inventoryErrors) err() error {
	list := make([]error, len(es))
	for i, e := range es {
		list[i] = e
	}
	return errors.Join(list...)
}

// Host returns the host named name.
func (inv *Inventory) Host(name string) (Host, bool) {
	for _, h := range inv.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return Host{}, false
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func firstDuration(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d > 0 {
			return d
		}
	}
	return 0
}

func firstString(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
