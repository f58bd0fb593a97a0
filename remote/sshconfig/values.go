package sshconfig

import (
	"strconv"
	"strings"
)

type cfgKV struct {
	key   string // lower case
	value string
	file  string
	line  int
}

// cfgValues are the settings that apply to one host: the first value of
// each key (ssh's "first obtained value wins") and every value of keys that
// accumulate (IdentityFile, CertificateFile, ...).
type cfgValues struct {
	first map[string]cfgKV
	order map[string]int
	all   map[string][]cfgKV
}

// values evaluates the configuration for alias as ssh does: a first pass,
// then, when a "Match final" block exists, a final pass that fills only
// what is still unset, with "host" matched against the HostName.
func (c *Config) values(alias, user, localUser string) cfgValues {
	v := cfgValues{first: map[string]cfgKV{}, order: map[string]int{}, all: map[string][]cfgKV{}}
	if c == nil {
		return v
	}
	if user == "" {
		user = localUser
	}
	seq := 0
	pass := func(m matchCtx) {
		for _, b := range c.blocks {
			if !b.matches(m) {
				continue
			}
			for _, kv := range b.kvs {
				seq++
				if _, ok := v.first[kv.key]; !ok {
					v.first[kv.key] = kv
					v.order[kv.key] = seq
				}
				v.all[kv.key] = append(v.all[kv.key], kv)
			}
		}
	}
	pass(matchCtx{alias: alias, host: alias, user: user, localUser: localUser})
	if c.wantFinal {
		host := alias
		if hn, ok := v.first["hostname"]; ok {
			host = strings.ReplaceAll(strings.ReplaceAll(hn.value, "%h", alias), "%%", "%")
		}
		if u, ok := v.first["user"]; ok {
			user = u.value
		}
		first, order := v.first, v.order
		v.first, v.order = map[string]cfgKV{}, map[string]int{}
		allBefore := v.all
		v.all = map[string][]cfgKV{}
		pass(matchCtx{alias: alias, host: host, user: user, localUser: localUser, final: true})
		// Keep the first pass's values; the final pass only fills gaps.
		for k, kv := range first {
			v.first[k], v.order[k] = kv, order[k]
		}
		for k, kvs := range allBefore {
			v.all[k] = dedupKVs(append(kvs, v.all[k]...))
		}
	}
	return v
}

func dedupKVs(kvs []cfgKV) []cfgKV {
	seen := map[string]bool{}
	var out []cfgKV
	for _, kv := range kvs {
		k := kv.file + ":" + strconv.Itoa(kv.line)
		if !seen[k] {
			seen[k] = true
			out = append(out, kv)
		}
	}
	return out
}

func (v cfgValues) get(key string) (cfgKV, bool) {
	kv, ok := v.first[key]
	return kv, ok
}
