package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

const completionHelp = `Completion prints a completion script for bash, zsh or fish. For example:
  fleetcheck completion bash > /etc/bash_completion.d/fleetcheck
  fleetcheck completion zsh  > "${fpath[1]}/_fleetcheck"
  fleetcheck completion fish > ~/.config/fish/completions/fleetcheck.fish`

// flagLine matches a flag in a command's --help ("  -name value").
var flagLine = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// commandFlags returns each command's flags, read from its own --help so
// that completion never drifts from the flags.
func commandFlags(ctx context.Context) map[string][]string {
	out := map[string][]string{}
	for _, c := range commands() {
		var buf bytes.Buffer
		e := &env{stdout: &buf, stderr: &buf, getenv: func(string) string { return "" }}
		_ = c.run(ctx, e, []string{"--help"})
		var flags []string
		for _, m := range flagLine.FindAllStringSubmatch(buf.String(), -1) {
			dash := "--"
			if len(m[1]) == 1 {
				dash = "-"
			}
			flags = append(flags, dash+m[1])
		}
		sort.Strings(flags)
		out[c.name] = flags
	}
	return out
}

func runCompletion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "completion", "bash|zsh|fish", completionHelp)
	pos, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fmt.Errorf("completion: name one shell: bash, zsh or fish"))
	}
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	flags := commandFlags(ctx)
	var b strings.Builder
	switch pos[0] {
	case "bash":
		b.WriteString("# bash completion for fleetcheck\n_fleetcheck() {\n")
		b.WriteString("\tlocal cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}\n")
		fmt.Fprintf(&b, "\tif [ \"$COMP_CWORD\" -eq 1 ]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n", strings.Join(names, " "))
		b.WriteString("\tcase \"$cur\" in -*) ;; *) COMPREPLY=($(compgen -f -- \"$cur\")); return;; esac\n\tcase \"$cmd\" in\n")
		for _, n := range names {
			fmt.Fprintf(&b, "\t%s) COMPREPLY=($(compgen -W %q -- \"$cur\"));;\n", n, strings.Join(flags[n], " "))
		}
		b.WriteString("\tesac\n}\ncomplete -o default -F _fleetcheck fleetcheck\n")
	case "zsh":
		b.WriteString("#compdef fleetcheck\n_fleetcheck() {\n\tif (( CURRENT == 2 )); then\n")
		fmt.Fprintf(&b, "\t\tcompadd -- %s\n\t\treturn\n\tfi\n\tcase $words[2] in\n", strings.Join(names, " "))
		for _, n := range names {
			fmt.Fprintf(&b, "\t%s) compadd -- %s; _files;;\n", n, strings.Join(flags[n], " "))
		}
		b.WriteString("\tesac\n}\ncompdef _fleetcheck fleetcheck\n")
	case "fish":
		b.WriteString("# fish completion for fleetcheck\n")
		for _, c := range commands() {
			fmt.Fprintf(&b, "complete -c fleetcheck -n __fish_use_subcommand -a %s -d %q\n", c.name, c.summary)
			for _, f := range flags[c.name] {
				opt := "-l " + strings.TrimPrefix(f, "--")
				if !strings.HasPrefix(f, "--") {
					opt = "-o " + strings.TrimPrefix(f, "-")
				}
				fmt.Fprintf(&b, "complete -c fleetcheck -n '__fish_seen_subcommand_from %s' %s\n", c.name, opt)
			}
		}
	default:
		return usageError(fmt.Errorf("completion: unknown shell %q (want bash, zsh or fish)", pos[0]))
	}
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}
