package remote

import (
	"time"

	"golang.org/x/crypto/ssh"
)

// DefaultKeepaliveInterval is how often an idle connection is probed.
const DefaultKeepaliveInterval = 15 * time.Second

// keepaliveMaxMissed is how many unanswered keepalives close a connection.
const keepaliveMaxMissed = 3

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
