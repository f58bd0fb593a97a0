package hosttext

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCleanMatchesTerminal shows lines of text and escape sequences that
// change nothing on screen (colours, titles, hyperlinks, device control
// strings, modes, character sets) in a real terminal, tmux, and checks that
// what the terminal shows is what Clean keeps: Clean removes exactly the
// bytes a terminal reads as sequences.
func TestCleanMatchesTerminal(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("no tmux: the CI run installs it (.ci/packages.txt)")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lines := make([]string, 80)
	for i := range lines {
		lines[i] = invisibleLine(rng)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\r\n")+"\r\nEND\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sock := filepath.Join(dir, "sock")
	run := func(args ...string) string {
		cmd := exec.CommandContext(ctx, tmux, append([]string{"-u", "-S", sock, "-f", conf}, args...)...)
		cmd.Env = append(os.Environ(), "TMUX=", "LC_ALL=C.UTF-8")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("new-session", "-d", "-x", "300", "-y", "100", "cat '"+in+"'; sleep 60")
	defer run("kill-server")
	var screen string
	for !strings.Contains(screen, "\nEND\n") {
		if ctx.Err() != nil {
			t.Fatalf("tmux did not show the text in time; screen so far:\n%s", screen)
		}
		time.Sleep(100 * time.Millisecond)
		screen = run("capture-pane", "-p", "-t", "0")
	}
	shown := strings.Split(screen, "\n")
	for i, l := range lines {
		got, want := strings.TrimRight(Clean(l), " "), strings.TrimRight(shown[i], " ")
		if got != want {
			t.Errorf("line %d %q: Clean keeps %q, the terminal shows %q", i, l, got, want)
		}
	}
}

// invisibleLine returns printable words (ASCII and wide Unicode) mixed with
// well-formed escape sequences that leave the screen as it is.
func invisibleLine(rng *rand.Rand) string {
	words := []string{"perl", "5.36", "ünïcödé", "✓", "日本", "MailScanner", "[ok]", ";", "~", "a b"}
	pick := func(chars string, max int) string {
		b := make([]byte, rng.IntN(max))
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		return string(b)
	}
	payload := func() string { return pick("abcXYZ019 ;:/.=?#[]()\"'|~", 12) }
	params := func() string { return pick("0123456789;:<=>?", 6) }
	seqs := []func() string{
		func() string { return "\x1b[" + params() + "m" },                 // SGR
		func() string { return "\x1b[?25l\x1b[?25h" },                     // cursor off and on
		func() string { return "\x1b[?2004h" },                            // bracketed paste
		func() string { return "\x1b]0;" + payload() + "\x07" },           // title, BEL
		func() string { return "\x1b]2;" + payload() + "\x1b\\" },         // title, ST
		func() string { return "\x1b]8;;http://" + payload() + "\x1b\\" }, // hyperlink
		func() string { return "\x1bP" + payload() + "\x07" + payload() + "\x1b\\" },
		func() string { return "\x1b_" + payload() + "\x1b\\" }, // APC
		func() string { return "\x1b^" + payload() + "\x1b\\" }, // PM
		func() string { return "\x1bX" + payload() + "\x1b\\" }, // SOS
		func() string { return "\x1b(B" },                       // G0 is ASCII
		func() string { return "\x1b)0" },                       // G1 is line drawing, not shifted to
		func() string { return "\x1b=\x1b>" },                   // keypad modes
		func() string { return "\x1b7" },                        // save the cursor
	}
	var b strings.Builder
	for n := 1 + rng.IntN(8); n > 0; n-- {
		if rng.IntN(2) == 0 {
			b.WriteString(words[rng.IntN(len(words))])
		} else {
			b.WriteString(seqs[rng.IntN(len(seqs))]())
		}
	}
	return b.String()
}
