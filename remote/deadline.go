package remote

import (
	"context"
	"fmt"
)

// interrupted is the error of a step that ctx ended: its cause (for a
// host deadline, "host deadline 120s reached") and the step, as in
// "host deadline 120s reached while opening a session".
func interrupted(ctx context.Context, step string) error {
	return fmt.Errorf("%w while %s", context.Cause(ctx), step)
}

// await runs f, which blocks on the peer, and returns its result, or
// gives up when ctx ends first: abort is then called (it must make f
// return, typically by closing the connection) and the error names step.
// A value f returns after that is handed to discard.
func await[T any](ctx context.Context, step string, f func() (T, error), abort func(), discard func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
	}
	err := interrupted(ctx, step)
	abort()
	go func() {
		if r := <-ch; r.err == nil && discard != nil {
			discard(r.v)
		}
	}()
	var zero T
	return zero, err
}
