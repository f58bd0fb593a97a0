package sshconfig

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestHostRunsFound: the runs of literal Host blocks of the openssh case
// that has them (compared with ssh -G by TestResolutionEqualsOpenSSH) are
// indexed, and what breaks a run breaks it.
func TestHostRunsFound(t *testing.T) {
	env := testEnv(t, nil)
	c, warns, err := Load("testdata/openssh/54-many-literal-hosts/config", env)
	if err != nil || len(warns) > 0 {
		t.Fatalf("Load = %v, %q", err, warns)
	}
	var sizes []int
	f := c.files[0]
	for i := range f.lines {
		if r := f.runs[i]; r != nil {
			sizes = append(sizes, len(r.hosts))
		}
	}
	// h01-h12, the three-name block and h13-h21 (then Host h1?);
	// h22-h31, alias-x, real-x and h32-h39 (then a block with an
	// Include); h40-h49 and h49 again (then Match).
	if want := []int{22, 20, 11}; !reflect.DeepEqual(sizes, want) {
		t.Errorf("runs of %v blocks, want %v", sizes, want)
	}
}

// TestHostRunsEvaluateAsWalked: evaluating through the index gives the
// same options and warnings as walking every line, on random files of
// literal, wildcard and negated Host blocks, Match blocks and unknown
// keywords, for names that are listed once, several times or not at all.
func TestHostRunsEvaluateAsWalked(t *testing.T) {
	env := testEnv(t, nil)
	r := rand.New(rand.NewPCG(5, 6))
	names := func() string { return fmt.Sprintf("n%d", r.IntN(12)) }
	settings := []string{"User u%d", "Port %d", "ConnectTimeout %d", "HostName n%d", "IdentityFile ~/.ssh/id%d",
		"ServerAliveInterval %d", "Bogus %d", "IgnoreUnknown Bogus%d"}
	withRuns := 0
	for round := range 300 {
		var b strings.Builder
		for range 5 + r.IntN(40) {
			switch k := r.IntN(20); {
			case k == 0:
				fmt.Fprintf(&b, "Host n%d*\n", r.IntN(3))
			case k == 1:
				fmt.Fprintf(&b, "Host !%s *\n", names())
			case k == 2:
				fmt.Fprintf(&b, "Match host %s\n", names())
			case k == 3:
				b.WriteString("Match final\n")
			default:
				fmt.Fprintf(&b, "Host %s", names())
				for range r.IntN(3) {
					fmt.Fprintf(&b, " %s", names())
				}
				b.WriteString("\n")
			}
			for range r.IntN(3) {
				fmt.Fprintf(&b, "  "+settings[r.IntN(len(settings))]+"\n", 1+r.IntN(9))
			}
		}
		text := b.String()
		indexed, _ := Parse("config", []byte(text), env)
		walked, _ := Parse("config", []byte(text), env)
		if len(indexed.files[0].runs) > 0 {
			withRuns++
		}
		for _, f := range walked.files {
			f.runs = nil
		}
		for i := range 13 {
			alias := fmt.Sprintf("n%d", i)
			got, gerr := indexed.Evaluate(context.Background(), alias, Preset{})
			want, werr := walked.Evaluate(context.Background(), alias, Preset{})
			if fmt.Sprint(gerr) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %s: indexed %+v, %v\nwalked %+v, %v\nconfig:\n%s", round, alias, got, gerr, want, werr, text)
			}
		}
	}
	if withRuns < 50 {
		t.Errorf("only %d of 300 files had a run of literal Host blocks: the index was hardly tested", withRuns)
	}
}

// BenchmarkEvaluateFleetConfig resolves one host of a generated
// ssh_config of 10,000 Host blocks, as collect does for every host: with
// the index it costs about what a small file does, not 10,000 blocks.
func BenchmarkEvaluateFleetConfig(b *testing.B) {
	var text strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&text, "Host mail%05d\nHostName 127.0.0.1\nPort %d\n\n", i, 20000+i)
	}
	text.WriteString("Host *\n  User demo\n")
	c, warns := Parse("config", []byte(text.String()), Env{Home: b.TempDir(), LocalUser: "u"})
	if len(warns) > 0 {
		b.Fatal(warns)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Evaluate(context.Background(), fmt.Sprintf("mail%05d", i%10000), Preset{}); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}
