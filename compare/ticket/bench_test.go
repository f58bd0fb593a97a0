package ticket

import (
	"io"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare/redact"
)

func BenchmarkHTML500(b *testing.B) {
	rep, snaps := builtScenario(b, "fleet500")
	b.ResetTimer()
	for range b.N {
		if err := HTML(io.Discard, rep, snaps, testOptions); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedact500(b *testing.B) {
	_, snaps := builtScenario(b, "fleet500")
	b.ResetTimer()
	for range b.N {
		redact.New([]string{"AcmeCorp"}).Snapshots(snaps)
	}
}
