// Package build describes the binary: version, commit and build date, set
// by the release build through -ldflags and read from the module's build
// information for `go install` builds.
package build

import (
	"runtime/debug"
	"strings"
)

// Info is what `coreclaw version` prints.
type Info struct {
	Version string
	Commit  string
	Date    string
}

// Resolve fills what the linker did not set from debug.ReadBuildInfo.
func Resolve(i Info) Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return withDefaults(i)
	}
	if i.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		i.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if i.Commit == "" {
				i.Commit = s.Value
			}
		case "vcs.time":
			if i.Date == "" {
				i.Date = s.Value
			}
		}
	}
	return withDefaults(i)
}

func withDefaults(i Info) Info {
	if i.Version == "" {
		i.Version = "dev"
	}
	i.Version = strings.TrimPrefix(i.Version, "v")
	if i.Commit == "" {
		i.Commit = "unknown"
	}
	if i.Date == "" {
		i.Date = "unknown"
	}
	return i
}

// String is the one-line form: "coreclaw 1.2.3 (commit abc1234, built 2026-11-30T00:00:00Z)".
func (i Info) String() string {
	commit := i.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	return "coreclaw " + i.Version + " (commit " + commit + ", built " + i.Date + ")"
}

// UserAgent is sent with every request.
func (i Info) UserAgent() string { return "coreclaw/" + i.Version }
