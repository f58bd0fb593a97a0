package remote

import (
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// DefaultKeepaliveInterval is how often an idle connection is probed.
const DefaultKeepaliveInterval = 15 * time.Second

// keepaliveMaxMissed is how many unanswered keepalives close a connection.
const keepaliveMaxMissed = 3

// keepalive is the keepalive period and the unanswered keepalives that
// close a connection to t: ssh_config's ServerAliveInterval and
// ServerAliveCountMax when set (ServerAliveInterval 0 is ssh's default,
// not a wish: fleetcheck then keeps its own), else the Dialer's.
func (d *Dialer) keepalive(t sshconfig.Target) (time.Duration, int) {
	every, maxMissed := d.opt.KeepaliveInterval, keepaliveMaxMissed
	if every <= 0 {
		return 0, 0
	}
	if t.ServerAliveInterval > 0 {
		every = t.ServerAliveInterval
	}
	if t.ServerAliveCountMax > 0 {
		maxMissed = t.ServerAliveCountMax
	}
	return every, maxMissed
}

// keepalive sends keepalive@openssh.com every interval until done is
// closed; x/crypto has none of its own (golang/go#5875). Any reply, even a
// refusal, proves the link alive. After maxMissed intervals without a
// reply, or when sending fails, it closes c, which ends every pending
// Session.Wait instead of leaving it blocked on a dead link.
func keepalive(c ssh.Conn, every time.Duration, maxMissed int, done <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	reply := make(chan error, 1)
	pending := false
	missed := 0
	for {
		select {
		case <-done:
			return
		case err := <-reply:
			pending = false
			if err != nil {
				c.Close()
				return
			}
			missed = 0
		case <-t.C:
			if pending {
				if missed++; missed >= maxMissed {
					c.Close()
					return
				}
				continue
			}
			pending = true
			go func() {
				_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
				reply <- err
			}()
		}
	}
}
