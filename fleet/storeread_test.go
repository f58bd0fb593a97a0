package fleet

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// TestSharedFactsDecodeLikeEncodingJSON: decoding through sharedFacts
// gives what json.Unmarshal gives, for random snapshots (indented and
// compact), the demo's real snapshots and mutilated copies of them (cut,
// bytes changed): the same snapshot, or an error for both.
func TestSharedFactsDecodeLikeEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var inputs [][]byte
	for range 200 {
		var s Snapshot
		randomFill(r, reflect.ValueOf(&s).Elem(), 0)
		b, err := MarshalSorted(&s)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := json.Marshal(&s)
		inputs = append(inputs, b, c)
	}
	files, _ := filepath.Glob("../compare/testdata/demo/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
		for range 50 {
			m := append([]byte(nil), b...)
			switch r.IntN(3) {
			case 0:
				m = m[:r.IntN(len(m))]
			case 1:
				m[r.IntN(len(m))] = `{}[]",:\ x0`[r.IntN(11)]
			default:
				m = append(m, `{"facts": {}}`...)
			}
			inputs = append(inputs, m)
		}
	}
	inputs = append(inputs, []byte(`{"host": "a", "facts": {"os": {"cpus": 1}}, "facts": {"perl": null}}`),
		[]byte(`{"host": "a", "fac\u0074s": {"os": {"cpus": 1}}}`), []byte(`{"host": "a", "facts": {"OS": {"cpus": 1}}}`))
	// The probes' commands are cut out and decoded once: anything
	// encoding/json reads otherwise must come out as it would.
	for _, probes := range []string{`{"os": {"command": "x"}, "os": {"status": "ok"}}`, `{"os": {"Command": "y", "command": "x"}}`,
		`{"os": {"command": "x", "COMMAND": "y"}}`, `{"os": {"command": "x", "command": "z"}}`, `{"os": {"command": 5}}`,
		`{"os": {"command": "\q"}}`, `{"os": {"command": null, "status": "ok"}}`, `{"": {"command": "e"}, "os": {"command": "\u00e9\n"}}`,
		`{"os": null, "dns": {"command": "d"}}`, `{"os": {"command": "x"}, "dns": {"command": "x"}}`} {
		inputs = append(inputs, []byte(`{"host": "a", "probes": `+probes+`, "facts": {"os": {"cpus": 1}}}`),
			[]byte(`{"host": "a", "facts": {}, "Probes": `+probes+`}`), []byte(`{"probes": `+probes+`, "host": "a", "probes": {}, "facts": {}}`))
	}
	sf := &sharedFacts{}
	for i, b := range inputs {
		var want, got Snapshot
		werr := json.Unmarshal(b, &want)
		gerr := sf.decode(b, &got)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("input %d: json.Unmarshal error %v, sharedFacts error %v\n%.300s", i, werr, gerr, b)
		}
		if werr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("input %d decodes differently\n%.300s", i, b)
		}
	}
}

// TestReadRunSharesIdenticalFacts: hosts whose module lists are stored
// byte for byte the same share one decoded list; a host whose list
// differs has its own.
func TestReadRunSharesIdenticalFacts(t *testing.T) {
	base, other := twoDemoSnapshots(t)
	run, err := CreateRun(t.TempDir(), RunRecord{StartedAt: time.Now()}, hostsNamed(4))
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hostsNamed(4) {
		s := *base
		if i == 3 {
			s = *other
		}
		s.Host = h.Name
		if err := run.WriteSnapshot(&s); err != nil {
			t.Fatal(err)
		}
	}
	_, snaps, err := ReadRun(run.Path)
	if err != nil {
		t.Fatal(err)
	}
	if snaps[0].Facts.PerlModules == nil || snaps[0].Facts.PerlModules != snaps[1].Facts.PerlModules || snaps[1].Facts.PerlModules != snaps[2].Facts.PerlModules {
		t.Error("identical module lists are not shared")
	}
	if snaps[3].Facts.PerlModules == snaps[0].Facts.PerlModules || !reflect.DeepEqual(snaps[3].Facts.PerlModules, other.Facts.PerlModules) {
		t.Error("a different module list is shared or changed")
	}
	if !reflect.DeepEqual(snaps[0].Facts, base.Facts) || !reflect.DeepEqual(snaps[0].Probes, base.Probes) {
		t.Error("shared facts or commands differ from the snapshot's own")
	}
	for name, p := range snaps[0].Probes {
		if p.Command != "" && unsafe.StringData(p.Command) != unsafe.StringData(snaps[1].Probes[name].Command) {
			t.Errorf("probe %s: the command is held once per host", name)
		}
	}
}

// BenchmarkSharedFactsDecode decodes a real snapshot whose large facts
// and commands are already known, as compare --from does for every host
// of a run but the first.
func BenchmarkSharedFactsDecode(b *testing.B) {
	s, err := ReadSnapshot("../compare/testdata/demo/mail01.json")
	if err != nil {
		b.Fatal(err)
	}
	raw, err := MarshalSorted(s)
	if err != nil {
		b.Fatal(err)
	}
	sf := &sharedFacts{}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var got Snapshot
		if err := sf.decode(raw, &got); err != nil {
			b.Fatal(err)
		}
	}
}

// twoDemoSnapshots reads two real snapshots of the demo whose module
// lists differ.
func twoDemoSnapshots(t *testing.T) (*Snapshot, *Snapshot) {
	t.Helper()
	var snaps [2]*Snapshot
	for i, name := range []string{"mail01", "mail03"} {
		s, err := ReadSnapshot("../compare/testdata/demo/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		snaps[i] = s
	}
	return snaps[0], snaps[1]
}
