package remote

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// A batch runs several probe commands in one session: the script below is
// sent on standard input to "sh -s" (so it runs the same under any login
// shell, csh included) and frames each probe's stdout and stderr between
// marker lines carrying a random nonce. Each command runs in a session of its
// own (setsid) under a POSIX-sh watchdog that kills the whole process group
// at the probe's deadline: closing an SSH channel does not kill a command
// that never writes, and CentOS 4/5 have no timeout(1).

// batchItem is one command of a batch.
type batchItem struct {
	name    string
	command string
	timeout time.Duration
	stdin   []byte // lines of data fed to the command; validated by its probe
	// filter, when set, is the probe.Handoff filter the command's stdout
	// runs through; what it hands over is kept in handoffVar(name).
	filter string
	// takes, when set, names the item just before, whose handoff comes
	// first on this command's stdin.
	takes string
}

// handoffVar is the shell variable holding what item name hands over.
func handoffVar(name string) string { return "fc_h_" + name }

// hereDocEscaper escapes data for an unquoted here-document, in which only
// backslash, dollar and backquote are special.
var hereDocEscaper = strings.NewReplacer(`\`, `\\`, "$", `\$`, "`", "\\`")

// batchPrelude defines fc_run TIMEOUT_SECONDS COMMAND, whose standard input
// comes from descriptor 3 (an asynchronous command's own stdin would be
// /dev/null in a non-interactive shell). It prints nothing; it sets fc_rc to
// the command's exit status and fc_to to 1 when the watchdog fired.
// Neither the command nor the watchdog gets descriptor 4 (the batch's
// stdout, where a handoff's filter writes) or 5 (where it hands over), so
// that a capture ends with its filter.
//
// The watchdog is one "sleep N" in a process group of its own, so it counts
// wall-clock time however loaded the host is, costs nothing while it waits,
// and is removed with its sleep when the command ends first. Once it fires it
// ignores TERM, so that fc_run waits for its verdict (exit 124, as timeout(1)).
// Both waits discard what the shell says of a job ended by a signal. A
// quick command can end before its watchdog has made its process group:
// the first kill then reaches only the watchdog's shell, which may have
// started its sleep meanwhile, so its group is sent TERM once more after
// the wait (the group outlives its leader only while that sleep does).
//
// What the command left running in its process group when it ended is
// sent TERM too: nothing of a probe stays on the host, and nothing holds
// the probe's output open, which would keep a handoff's filter (and with
// it every later probe of the batch), or the session's end, waiting for
// it. A process group's ID is not given to a new process while the group
// has members, so the kill reaches what the command left (as with the
// watchdog's second kill, a group without members could only be one that a
// new process made in the instant since the wait).
const batchPrelude = `LC_ALL=C; export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
if command -v setsid >/dev/null 2>&1; then fc_ss=setsid; else fc_ss=; fi
exec 4>&1
fc_run() {
	$fc_ss sh -c "$2" <&3 4>&- 5>&- &
	fc_p=$!
	$fc_ss sh -c 'sleep "$1"; trap "" TERM
		kill -TERM -"$2" 2>/dev/null || kill -TERM "$2" 2>/dev/null; sleep 2
		kill -KILL -"$2" 2>/dev/null || kill -KILL "$2" 2>/dev/null; exit 124' fc_watchdog "$1" "$fc_p" </dev/null >/dev/null 2>&1 4>&- 5>&- &
	fc_w=$!
	wait $fc_p 2>/dev/null
	fc_rc=$?
	if [ -n "$fc_ss" ]; then kill -TERM -$fc_p 2>/dev/null; fi
	kill -TERM -$fc_w 2>/dev/null || kill -TERM $fc_w 2>/dev/null
	wait $fc_w 2>/dev/null
	if [ $? -eq 124 ]; then fc_to=1; else fc_to=0; fi
	kill -TERM -$fc_w 2>/dev/null
}
`

// newNonce returns a random marker nonce.
func newNonce() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// markerPrefix is how every marker line starts (after a newline).
func markerPrefix(nonce string) string { return "@@fleetcheck-" + nonce + " " }

// batchScript builds the script for items. Only the nonce (hex), the probe
// names ([a-z0-9_]), whole seconds and the constant probe commands appear in
// it; data lines go in quoted here-documents.
func batchScript(nonce string, items []batchItem) []byte {
	var b strings.Builder
	b.WriteString(batchPrelude)
	m := markerPrefix(nonce)
	for _, it := range items {
		secs := int((it.timeout + time.Second - 1) / time.Second)
		if secs < 1 {
			secs = 1
		}
		fmt.Fprintf(&b, "printf '\\n%sbegin %s\\n'; printf '\\n%sbegin %s\\n' >&2\n", m, it.name, m, it.name)
		end := fmt.Sprintf("printf '\\n%send %s %%d %%d\\n' $fc_rc $fc_to; printf '\\n%send %s %%d %%d\\n' $fc_rc $fc_to >&2\n",
			m, it.name, m, it.name)
		eof := "FLEETCHECK_" + nonce
		if it.filter != "" {
			// The command's stdout goes through the filter to the batch's
			// stdout (4), the end marker too, so that it follows the
			// output; what the filter and the status hand over (5) is
			// captured in the variable, kept only when the command succeeded.
			v := handoffVar(it.name)
			fmt.Fprintf(&b, "%s=$( { {\n", v)
		}
		switch {
		case it.takes != "":
			fmt.Fprintf(&b, "fc_run %d %s 3<<%s\n$%s\n%s\n%s\n", secs, shellQuote(it.command), eof,
				handoffVar(it.takes), hereDocEscaper.Replace(strings.TrimRight(string(it.stdin), "\n")), eof)
		case len(it.stdin) > 0:
			fmt.Fprintf(&b, "fc_run %d %s 3<<'%s'\n%s\n%s\n", secs, shellQuote(it.command), eof,
				strings.TrimRight(string(it.stdin), "\n"), eof)
		default:
			fmt.Fprintf(&b, "fc_run %d %s 3</dev/null\n", secs, shellQuote(it.command))
		}
		b.WriteString(end)
		if it.filter != "" {
			v := handoffVar(it.name)
			fmt.Fprintf(&b, "if [ \"$fc_rc\" = 0 ] && [ \"$fc_to\" = 0 ]; then echo '%s' >&5; fi\n} | {\n%s\n} >&4; } 5>&1 )\n", probe.HandoffOK, it.filter)
			fmt.Fprintf(&b, "case \"$%s\" in *'%s'*) ;; *) %s= ;; esac\n", v, probe.HandoffOK, v)
		}
	}
	return []byte(b.String())
}

// shellQuote quotes s for POSIX sh as one word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
