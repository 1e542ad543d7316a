// Package build describes the binary: version, commit and build date, set
// by the release build through -ldflags and otherwise read from the
// build information the Go toolchain stamps into every binary.
package build

import (
	"runtime/debug"
	"strings"
	"time"
)

// Info is what `coreclaw version` prints.
type Info struct {
	Version string
	Commit  string
	Date    string
	// Dirty: the commit had uncommitted changes when it was built (from
	// the toolchain's vcs.modified; ldflags builds put it in Version).
	Dirty bool
}

// Resolve fills what the linker did not set from debug.ReadBuildInfo.
func Resolve(i Info) Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return resolve(i, bi)
}

// resolve fills the fields of i that are empty from bi (nil: no build
// information), then the defaults. What the linker set always wins.
//
//   - `go build` in a git checkout: Main.Version is a pseudo-version
//     (v0.0.0-20261201003600-0b77ee0a1b2c, "+dirty" when modified) or
//     "(devel)" with -buildvcs=false; vcs.revision, vcs.time and
//     vcs.modified say which commit it was.
//   - `go install module@v1.2.3`: Main.Version is v1.2.3 and there are no
//     vcs settings (the module zip has no history). A pseudo-version
//     (module@latest before any tag, or @COMMIT) names its commit's
//     time and revision prefix, which is taken when nothing better is.
func resolve(i Info, bi *debug.BuildInfo) Info {
	if bi == nil {
		return withDefaults(i)
	}
	fromLinker := i.Commit != ""
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
		case "vcs.modified":
			if !fromLinker && s.Value == "true" {
				i.Dirty = true
			}
		}
	}
	if when, rev, ok := pseudoVersion(bi.Main.Version); ok {
		if i.Commit == "" {
			i.Commit = rev
		}
		if i.Date == "" {
			i.Date = when
		}
	}
	return withDefaults(i)
}

// pseudoVersion returns the commit time (RFC 3339, UTC) and revision
// prefix that a pseudo-version names: one of vX.0.0-TIME-REV,
// vX.Y.Z-pre.0.TIME-REV and vX.Y.Z-0.TIME-REV once build metadata is cut,
// TIME 14 digits and REV 12 lowercase hex digits. It is read by hand
// rather than by a regexp, which every start would have to compile.
func pseudoVersion(v string) (when, rev string, ok bool) {
	v, _, _ = strings.Cut(v, "+")
	rest, ok := afterSemverCore(v)
	// rest is [PREFIX(. or -)]TIME-REV.
	const tail = 14 + 1 + 12
	if !ok || len(rest) < tail || rest[len(rest)-13] != '-' {
		return "", "", false
	}
	stamp, rev := rest[len(rest)-tail:len(rest)-13], rest[len(rest)-12:]
	prefix := rest[:len(rest)-tail]
	if !allIn(stamp, "0123456789") || !allIn(rev, "0123456789abcdef") || strings.Contains(prefix, "\n") ||
		(prefix != "" && !strings.HasSuffix(prefix, ".") && !strings.HasSuffix(prefix, "-")) {
		return "", "", false
	}
	t, err := time.Parse("20060102150405", stamp)
	if err != nil {
		return "", "", false
	}
	return t.UTC().Format(time.RFC3339), rev, true
}

// afterSemverCore checks that v starts with vMAJOR.MINOR.PATCH- and returns
// what follows the dash.
func afterSemverCore(v string) (string, bool) {
	rest, ok := strings.CutPrefix(v, "v")
	if !ok {
		return "", false
	}
	for _, sep := range []byte{'.', '.', '-'} {
		j := strings.IndexByte(rest, sep)
		if j < 1 || !allIn(rest[:j], "0123456789") {
			return "", false
		}
		rest = rest[j+1:]
	}
	return rest, true
}

func allIn(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
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
	if i.Dirty {
		commit += "-dirty"
	}
	return "coreclaw " + i.Version + " (commit " + commit + ", built " + i.Date + ")"
}

// UserAgent is sent with every request.
func (i Info) UserAgent() string { return "coreclaw/" + i.Version }
