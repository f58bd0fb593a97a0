package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Host key problems reported in HostKeyError.Problem.
const (
	KeyChanged     = "changed"     // known_hosts holds another key for the host
	KeyUnknown     = "unknown"     // the host is not in known_hosts
	KeyRevoked     = "revoked"     // the key is marked @revoked
	KeyUnsupported = "unsupported" // the host offers only keys this client cannot verify (ssh-dss, short RSA)
	KeyInvalid     = "invalid"     // a host certificate that does not verify (CA, principals, validity)
)

// HostKeyError is a host key that was refused.
type HostKeyError struct {
	// Problem is KeyChanged, KeyUnknown, KeyRevoked, KeyUnsupported or KeyInvalid.
	Problem string
	// Addr is "host:port" as dialled and checked.
	Addr string
	// Fingerprint is the SHA256 fingerprint of the key the host presented.
	Fingerprint string
	// File and Line locate the known_hosts entry involved (the old key of a
	// changed host), or name the file a new key would go to.
	File string
	Line int
	// Fix holds the exact commands that repair the situation once the new
	// key has been verified out of band.
	Fix string
	// Err is the underlying error, if any.
	Err error
}

// Error describes the problem and, when known, the fix.
func (e *HostKeyError) Error() string {
	var b strings.Builder
	switch e.Problem {
	case KeyChanged:
		fmt.Fprintf(&b, "host key for %s has changed (now %s)", e.Addr, e.Fingerprint)
		if e.File != "" {
			fmt.Fprintf(&b, "; old key at %s:%d", e.File, e.Line)
		}
	case KeyUnknown:
		fmt.Fprintf(&b, "host %s is not in known_hosts (key %s)", e.Addr, e.Fingerprint)
	case KeyRevoked:
		fmt.Fprintf(&b, "host key %s for %s is revoked", e.Fingerprint, e.Addr)
		if e.File != "" {
			fmt.Fprintf(&b, " (%s:%d)", e.File, e.Line)
		}
	default:
		fmt.Fprintf(&b, "host key for %s: %s", e.Addr, e.Problem)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Fix != "" {
		fmt.Fprintf(&b, "; fix: %s", e.Fix)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *HostKeyError) Unwrap() error { return e.Err }

// AuthError means the server refused every key offered, or there was no
// usable key at all (for example an encrypted key with no agent holding it).
type AuthError struct {
	User, Addr string
	// Tried describes the keys offered, in order.
	Tried []string
	Err   error
}

// Error describes the failure.
func (e *AuthError) Error() string {
	msg := fmt.Sprintf("authentication as %s@%s failed", e.User, e.Addr)
	if len(e.Tried) > 0 {
		msg += " (tried " + strings.Join(e.Tried, ", ") + ")"
	} else {
		msg += " (no key offered)"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *AuthError) Unwrap() error { return e.Err }

// DialError means no SSH connection could be set up: TCP connect failed,
// the handshake did not finish in time (a tarpit), or a jump host failed.
type DialError struct {
	// Addr is the "host:port" being reached.
	Addr string
	// Hop names the jump host that failed or through which Addr was
	// dialled, if any.
	Hop string
	// Timeout is set when the connect timeout passed.
	Timeout bool
	Err     error
}

// Error describes the failure.
func (e *DialError) Error() string {
	where := e.Addr
	if e.Hop != "" {
		where += " via jump host " + e.Hop
	}
	return fmt.Sprintf("connect %s: %v", where, e.Err)
}

// Unwrap returns the underlying error.
func (e *DialError) Unwrap() error { return e.Err }

// AlgorithmError means client and server share no algorithm of one kind.
type AlgorithmError struct {
	Addr string
	// What is "key exchange", "cipher", "MAC" or "host key" (x/crypto's words).
	What string
	// Offered lists what the server offered; Ours what the client did.
	Offered, Ours []string
	// Legacy is set when legacy algorithms were already enabled.
	Legacy bool
	Err    error
}

// Error describes the failure.
func (e *AlgorithmError) Error() string {
	msg := fmt.Sprintf("no common %s algorithm with %s; server offered: %s", e.What, e.Addr, strings.Join(e.Offered, ","))
	if !e.Legacy {
		msg += "; if this is an old server, set legacy_algorithms: true for this host or group"
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *AlgorithmError) Unwrap() error { return e.Err }

// errConnectTimeout is the context cause when the connect timeout passes.
var errConnectTimeout = errors.New("connect timeout")

// Status maps an error from Connect or Run to the host status reports show.
func Status(err error) fleet.HostStatus {
	var (
		hk  *HostKeyError
		ae  *AuthError
		de  *DialError
		alg *AlgorithmError
	)
	switch {
	case err == nil:
		return fleet.HostOK
	case errors.As(err, &hk):
		if hk.Problem == KeyUnknown {
			return fleet.HostKeyUnknown
		}
		if hk.Problem == KeyUnsupported {
			return fleet.HostError
		}
		return fleet.HostKeyMismatch
	case errors.As(err, &ae):
		return fleet.HostAuthFailed
	case errors.Is(err, context.Canceled):
		return fleet.HostInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		return fleet.HostTimeout
	case errors.As(err, &de):
		return fleet.HostUnreachable
	case errors.As(err, &alg):
		return fleet.HostUnreachable
	}
	return fleet.HostError
}
