package lab

import (
	"embed"
	"io/fs"
)

// assets holds the scripts and Perl files the lab installs on its hosts.
//
//go:embed assets
var assets embed.FS

// asset returns one embedded file; the names are fixed, so a miss is a bug.
func asset(name string) []byte {
	b, err := fs.ReadFile(assets, "assets/"+name)
	if err != nil {
		panic("lab: missing embedded asset " + name)
	}
	return b
}
