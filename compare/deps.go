package compare

import (
	"fmt"
	"regexp"
	"strings"
)

// loadDep is the module a load error blames: Mail::SpamAssassin fails to
// load because Digest::SHA1, which it requires, is half-installed.
type loadDep struct {
	module string
	// state says what is wrong with it, for a summary: "half-installed
	// (no .so)", "not installed", ...
	state string
	// detail is one evidence line about the module on the host.
	detail string
	// xs is set when the module's compiled part is missing or does not
	// match: its XS build failed, the seed's noexec /tmp story.
	xs bool
}

var (
	reNoObject  = regexp.MustCompile(`Can't locate loadable object for module (\S+) in @INC`)
	reBootstrap = regexp.MustCompile(`(\S+) object version (\S+) does not match bootstrap parameter (\S+)`)
	reCantLoad  = regexp.MustCompile(`Can't load '([^']+)' for module (\S+): ([^\n]*)`)
	reNoFile    = regexp.MustCompile(`Can't locate (\S+)\.pm in @INC`)
	reTooOld    = regexp.MustCompile(`(\S+) version (\S+) required--this is only version (\S+)`)
)

// literal is a substring every match of each pattern contains.
var literal = map[*regexp.Regexp]string{
	reNoObject:  "loadable object",
	reBootstrap: "does not match bootstrap",
	reCantLoad:  "Can't load '",
	reNoFile:    ".pm in @INC",
	reTooOld:    "required--this is only",
}

// dependency returns the other module the load error of self names, with
// what the host's facts say about it. Only the first module named counts:
// perl stops at the first failure.
func dependency(in Input, self, loadErr string) (loadDep, bool) {
	type match struct {
		at int
		d  loadDep
	}
	var best *match
	try := func(re *regexp.Regexp, build func(m []string) loadDep, nameAt int) {
		if !strings.Contains(loadErr, literal[re]) {
			return // cheap test first: most load errors match none
		}
		m := re.FindStringSubmatchIndex(loadErr)
		if m == nil {
			return
		}
		sub := make([]string, len(m)/2)
		for i := range sub {
			if m[2*i] >= 0 {
				sub[i] = loadErr[m[2*i]:m[2*i+1]]
			}
		}
		name := sub[nameAt]
		if re == reNoFile {
			name = strings.ReplaceAll(name, "/", "::")
		}
		if name == self || name == "" {
			return
		}
		sub[nameAt] = name
		if best == nil || m[0] < best.at {
			best = &match{at: m[0], d: build(sub)}
			best.d.module = name
		}
	}
	try(reNoObject, func(m []string) loadDep {
		dm, ok := module(&in.Host.Facts, m[1])
		switch {
		case ok && len(dm.Copies) > 0:
			_, c, _ := loadedCopy(dm)
			return loadDep{state: "half-installed (no .so)", xs: true,
				detail: fmt.Sprintf("%s: %s is there, but not its compiled part (no %s.so under auto/): its XS build failed", m[1], copyText(c), lastPart(m[1]))}
		case ok:
			return loadDep{state: "not installed", detail: "no copy of " + m[1] + " in @INC"}
		}
		return loadDep{state: "missing its compiled part (no .so)", xs: true,
			detail: fmt.Sprintf("perl finds no compiled %s.so for %s: its XS build failed", lastPart(m[1]), m[1])}
	}, 1)
	try(reBootstrap, func(m []string) loadDep {
		return loadDep{state: fmt.Sprintf("half-installed (.so %s, .pm %s)", m[2], m[3]), xs: true,
			detail: fmt.Sprintf("%s: its compiled .so is version %s but its .pm is %s: a build or install stopped half-way", m[1], m[2], m[3])}
	}, 1)
	try(reCantLoad, func(m []string) loadDep {
		return loadDep{state: "broken (its .so does not load)", xs: true,
			detail: fmt.Sprintf("%s: %s does not load: %s", m[2], m[1], capText(m[3], 160))}
	}, 2)
	try(reNoFile, func(m []string) loadDep {
		return loadDep{state: "not installed", detail: "no copy of " + m[1] + " in @INC"}
	}, 1)
	try(reTooOld, func(m []string) loadDep {
		return loadDep{state: fmt.Sprintf("too old (%s needed, %s installed)", m[2], m[3]),
			detail: fmt.Sprintf("%s %s is installed; %s needs %s", m[1], m[3], self, m[2])}
	}, 1)
	if best == nil {
		return loadDep{}, false
	}
	return best.d, true
}

func lastPart(name string) string {
	if i := strings.LastIndex(name, "::"); i >= 0 {
		return name[i+2:]
	}
	return name
}

// brokenDeps maps each broken module whose load error blames another
// module to that dependency.
func brokenDeps(in Input, broken []string) map[string]loadDep {
	out := map[string]loadDep{}
	for _, name := range broken {
		hm, ok := module(&in.Host.Facts, name)
		if !ok || hm.LoadError == "" {
			continue
		}
		if d, ok := dependency(in, name, hm.LoadError); ok {
			out[name] = d
		}
	}
	return out
}
