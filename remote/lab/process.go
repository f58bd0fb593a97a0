package lab

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The lab's processes: for an sshd host, unshare(1) (in the machine's PID
// namespace, waiting) and its child sshd, which is PID 1 of the host's own
// PID namespace, so that killing it makes the kernel kill every process of
// that host (sessions, hung lints). For the tarpit, one perl process.
// All are started in their own session, so they outlive "fleetlab up" and
// a Ctrl-C in its terminal (unless Config.EndWithCaller ties them to the
// caller), and are tracked by PID in DIR/run/*.pid.

func fileGID(st os.FileInfo) (int, bool) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Gid), true
	}
	return 0, false
}

// startDetached starts a command in a new session with output appended to
// logPath and returns it started. A tied command is sent SIGKILL by the
// kernel when the thread that started it ends, which for a Go program is
// when the process ends (no goroutine of ours locks its thread); unshare
// passes that on to the host's namespace (--kill-child).
func startDetached(logPath string, tied bool, name string, args ...string) (*exec.Cmd, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if tied {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return cmd, nil
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	i := bytes.LastIndexByte(b, ')')
	return i > 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}

// cmdlineHas reports whether pid's command line contains s, which ties a
// recorded PID to this lab (PIDs get reused).
func cmdlineHas(pid int, s string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && bytes.Contains(bytes.ReplaceAll(b, []byte{0}, []byte{' '}), []byte(s))
}

// childOf returns the first child of pid, or 0.
func childOf(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
}

// nsProcesses returns the processes whose mounts include the overlay
// upper directory marker, i.e. the processes of one lab host's namespace.
func nsProcesses(marker string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		f, err := os.Open(fmt.Sprintf("/proc/%d/mountinfo", pid))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if strings.Contains(sc.Text(), marker) {
				out = append(out, pid)
				break
			}
		}
		f.Close()
	}
	return out
}

// waitGone waits until none of pids is alive, up to d.
func waitGone(pids []int, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var left []int
		for _, p := range pids {
			if alive(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitBanner waits until addr accepts TCP and, if wantBanner, sends an SSH
// identification line. check is called between attempts and aborts the wait
// with its error (the process died).
func waitBanner(ctx context.Context, addr string, wantBanner bool, d time.Duration, check func() error) error {
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := check(); err != nil {
			return err
		}
		c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
		if err == nil {
			if !wantBanner {
				c.Close()
				return nil
			}
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil && strings.HasPrefix(line, "SSH-") {
				return nil
			}
			last = fmt.Errorf("no SSH banner from %s: %v", addr, err)
		} else {
			last = err
		}
		time.Sleep(30 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s: %v", d, last)
}

// portFree reports whether addr (host:port) can be bound now.
func portFree(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

func writePID(path string, pid int) error {
	return os.WriteFile(path, []byte(strconv.Itoa(pid)+"\n"), 0o644)
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// logTail returns the end of a host's log for error messages.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		return ""
	}
	return ": " + strings.ReplaceAll(tail(string(b), 5), "\n", " | ")
}

// pidFile is where a host's process IDs are recorded.
func pidFile(dir, name, what string) string {
	return filepath.Join(dir, "run", name+"."+what+".pid")
}
