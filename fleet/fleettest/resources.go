package fleettest

import "github.com/fleetcheck/fleetcheck/fleet"

// Use is a df line of total units of which used are used, with df's
// percentage (rounded up, 100 when nothing is left).
func Use(total, used int64) *fleet.Usage {
	u := &fleet.Usage{Total: total, Used: used, Free: total - used}
	if total > 0 {
		u.UsedPercent = int((used*100 + total - 1) / total)
	}
	return u
}

// SpaceOn is directory path on the filesystem mp of dev, named for source
// ("default" or a MailScanner.conf key), with its block (KB) and inode use.
func SpaceOn(path, source, mp, dev string, blocks, inodes *fleet.Usage) fleet.DirSpace {
	return fleet.DirSpace{Path: path, Sources: []string{source}, MountPoint: mp, Device: dev, Blocks: blocks, Inodes: inodes}
}

// GoodSpace is the disk_space facts of a healthy gateway: /tmp, /var and
// the spool on a root filesystem a third full; n varies the use a little.
func GoodSpace(n int) *fleet.DiskSpace {
	root := func() (*fleet.Usage, *fleet.Usage) {
		return Use(20_642_428, 6_800_000+int64(n%10)*10_000), Use(5_332_992, 180_000+int64(n%10)*100)
	}
	var dirs []fleet.DirSpace
	for _, d := range [][2]string{{"/tmp", "default"}, {"/var", "default"}, {"/var/spool/MailScanner/incoming", "incomingworkdir"},
		{"/var/spool/MailScanner/quarantine", "quarantinedir"}, {"/var/spool/mqueue", "outgoingqueuedir"}} {
		b, i := root()
		dirs = append(dirs, SpaceOn(d[0], d[1], "/", "/dev/md1", b, i))
	}
	return &fleet.DiskSpace{Dirs: dirs}
}

// WithSpace gives s disk_space facts (and an ok probe result for them).
func WithSpace(s *fleet.Snapshot, ds *fleet.DiskSpace) *fleet.Snapshot {
	s.Facts.DiskSpace = ds
	s.Probes[fleet.ProbeDiskSpace] = fleet.ProbeResult{Status: fleet.ProbeOK, DurationMS: 40, Bytes: 2048}
	return s
}

// FullSpoolBox is a good host whose Incoming Work Dir is a 512 MB tmpfs
// that filled up, and whose quarantine filesystem ran out of inodes.
func FullSpoolBox(name string, n int) *fleet.Snapshot {
	s := WithSpace(GoodHost(name, n), GoodSpace(n))
	dirs := s.Facts.DiskSpace.Dirs
	dirs[2] = SpaceOn("/var/spool/MailScanner/incoming", "incomingworkdir", "/var/spool/MailScanner/incoming", "tmpfs",
		Use(524_288, 524_288), Use(256_000, 1_400))
	dirs[3] = SpaceOn("/var/spool/MailScanner/quarantine", "quarantinedir", "/var/spool/MailScanner/quarantine", "/dev/md3",
		Use(41_284_928, 9_100_000), Use(2_621_440, 2_621_440))
	return s
}

// GoodMemory is the memory facts of a healthy gateway with 2 GB of RAM:
// five children of about 40 MB, no swap in use.
func GoodMemory(n int) *fleet.Memory {
	kids := []int64{}
	for i := range 5 {
		kids = append(kids, 40_000+int64((n+i)%7)*512)
	}
	return &fleet.Memory{TotalKB: 2_059_504, AvailableKB: 1_380_000 - int64(n%10)*4096, SwapTotalKB: 4_194_296,
		SwapUsedKB: 0, MasterRSSKB: []int64{38_120}, ChildRSSKB: kids}
}

// WithMemory gives s memory facts (and an ok probe result for them).
func WithMemory(s *fleet.Snapshot, m *fleet.Memory) *fleet.Snapshot {
	s.Facts.Memory = m
	s.Probes[fleet.ProbeMemory] = fleet.ProbeResult{Status: fleet.ProbeOK, DurationMS: 30, Bytes: 1500}
	return s
}

// SwapBox is a good host whose Max Children was raised to 40 with
// children of 60 MB on 2 GB of RAM: it swaps 700 MB.
func SwapBox(name string, n int) *fleet.Snapshot {
	s := WithMemory(GoodHost(name, n), GoodMemory(n))
	s.Facts.Config.Values["maxchildren"] = Cfg("Max Children", 75, "40")
	s.Facts.Processes.MaxChildren = 40
	m := s.Facts.Memory
	m.AvailableKB, m.SwapUsedKB = 96_000, 716_800
	for i := range m.ChildRSSKB {
		m.ChildRSSKB[i] = 61_440
	}
	return s
}

// GoodDNS is the resolver of a healthy gateway: two nameservers that
// answer for its domain.
func GoodDNS() *fleet.DNS {
	return &fleet.DNS{Nameservers: []string{"192.0.2.53", "192.0.2.54"}, Search: []string{"example.net"}, Name: "example.net",
		Lookups: []fleet.Lookup{{Nameserver: "192.0.2.53", Result: fleet.LookupAnswer, RCode: "NOERROR", MS: 1},
			{Nameserver: "192.0.2.54", Result: fleet.LookupAnswer, RCode: "NOERROR", MS: 2}}}
}

// WithDNS gives s dns facts (and an ok probe result for them).
func WithDNS(s *fleet.Snapshot, d *fleet.DNS) *fleet.Snapshot {
	s.Facts.DNS = d
	s.Probes[fleet.ProbeDNS] = fleet.ProbeResult{Status: fleet.ProbeOK, DurationMS: 3010, Bytes: 300}
	return s
}

// DeadDNSBox is a good host whose first nameserver, 192.0.2.99, never
// answers: every lookup waits for it first.
func DeadDNSBox(name string, n int) *fleet.Snapshot {
	d := GoodDNS()
	d.Nameservers[0] = "192.0.2.99"
	d.Lookups[0] = fleet.Lookup{Nameserver: "192.0.2.99", Result: fleet.LookupTimeout, MS: 3001}
	return WithDNS(GoodHost(name, n), d)
}

// WithResources gives s the disk_space, memory and dns facts of a
// healthy gateway.
func WithResources(s *fleet.Snapshot, n int) *fleet.Snapshot {
	return WithDNS(WithMemory(WithSpace(s, GoodSpace(n)), GoodMemory(n)), GoodDNS())
}

// NoMailScannerBox is a host without MailScanner: no program, no
// MailScanner.conf (its probes not applicable), no processes of it.
func NoMailScannerBox(name string, n int) *fleet.Snapshot {
	s := GoodHost(name, n)
	f := &s.Facts
	f.MailScanner, f.Config, f.Lint = nil, nil, nil
	f.Processes = &fleet.Processes{Master: []fleet.Process{}, Children: []fleet.Process{}}
	for _, p := range []string{fleet.ProbeMailScannerVersion, fleet.ProbeMailScannerConfig, fleet.ProbeMailScannerLint} {
		s.Probes[p] = fleet.ProbeResult{Status: fleet.ProbeNotApplicable, Error: "not applicable", DurationMS: 10}
	}
	return s
}
