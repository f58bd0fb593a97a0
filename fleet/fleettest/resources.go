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
