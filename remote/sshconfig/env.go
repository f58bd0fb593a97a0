package sshconfig

import (
	"fmt"
	"os"
	"os/user"
)

// Env is what resolution needs to know about the local side, as ssh gets
// it: the user's passwd entry (ssh expands ~ and %d with its home
// directory, not $HOME), the host name and the environment (for ${VAR},
// for $HOME in Include globs, which glob(3) expands with $HOME, and for
// $SHELL, which runs Match exec).
type Env struct {
	// LocalUser is the local user name (%u, Match localuser, the default User).
	LocalUser string
	// Home is the local user's home directory from the passwd database.
	Home string
	// UID is the local user ID (%i).
	UID int
	// Hostname is this machine's host name (%l; %L is its first label).
	Hostname string
	// Getenv reads the environment; nil means no variable is set. An
	// empty value counts as unset.
	Getenv func(string) string
	// Environ is the environment Match exec commands run with; nil means
	// this process's.
	Environ []string
}

// LocalEnv returns the Env of this process, reading variables with getenv
// (os.Getenv when nil). Without a passwd entry for the user (ssh would
// refuse to run), $USER and $HOME stand in for it.
func LocalEnv(getenv func(string) string) (Env, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	env := Env{UID: os.Getuid(), Getenv: getenv}
	if u, err := user.Current(); err == nil {
		env.LocalUser, env.Home = u.Username, u.HomeDir
	} else if env.LocalUser, env.Home = getenv("USER"), getenv("HOME"); env.LocalUser == "" || env.Home == "" {
		return Env{}, fmt.Errorf("local user: %w", err)
	}
	host, err := os.Hostname()
	if err != nil {
		return Env{}, fmt.Errorf("host name: %w", err)
	}
	env.Hostname = host
	return env, nil
}

func (e Env) getenv(name string) (string, bool) {
	if e.Getenv == nil {
		return "", false
	}
	v := e.Getenv(name)
	return v, v != ""
}

// globHome is the directory glob(3) gives "~": $HOME, else the passwd one.
func (e Env) globHome() string {
	if h, ok := e.getenv("HOME"); ok {
		return h
	}
	return e.Home
}
