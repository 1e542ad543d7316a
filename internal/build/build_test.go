package build

import (
	"runtime/debug"
	"testing"
)

func TestWithDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Info
		want Info
	}{
		{"nothing set", Info{}, Info{Version: "dev", Commit: "unknown", Date: "unknown"}},
		{"leading v dropped", Info{Version: "v1.2.3"}, Info{Version: "1.2.3", Commit: "unknown", Date: "unknown"}},
		{"only one v dropped", Info{Version: "vv1"}, Info{Version: "v1", Commit: "unknown", Date: "unknown"}},
		{"all set", Info{Version: "2.0.0", Commit: "abc", Date: "2026-01-02T03:04:05Z"}, Info{Version: "2.0.0", Commit: "abc", Date: "2026-01-02T03:04:05Z"}},
		{"describe output kept", Info{Version: "v1.2.3-4-gabcdef-dirty"}, Info{Version: "1.2.3-4-gabcdef-dirty", Commit: "unknown", Date: "unknown"}},
	}
	for _, tt := range tests {
		if got := withDefaults(tt.in); got != tt.want {
			t.Errorf("%s: withDefaults(%+v) = %+v, want %+v", tt.name, tt.in, got, tt.want)
		}
	}
}

// Values set by the linker are never replaced by the build information.
func TestResolveKeepsLinkerValues(t *testing.T) {
	in := Info{Version: "v9.8.7", Commit: "0123456789abcdef0123", Date: "2026-11-30T00:00:00Z"}
	want := Info{Version: "9.8.7", Commit: "0123456789abcdef0123", Date: "2026-11-30T00:00:00Z"}
	if got := Resolve(in); got != want {
		t.Errorf("Resolve(%+v) = %+v, want %+v", in, got, want)
	}
}

func settings(kv ...string) []debug.BuildSetting {
	var out []debug.BuildSetting
	for i := 0; i < len(kv); i += 2 {
		out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

// What each way of building stamps into the binary, and what `coreclaw
// version` makes of it.
func TestResolveFromBuildInfo(t *testing.T) {
	const rev = "0b77ee0a1b2c3d4e5f60718293a4b5c6d7e8f901"
	tests := []struct {
		name   string
		linker Info
		bi     *debug.BuildInfo
		want   Info
		line   string
	}{
		{"no build information", Info{}, nil,
			Info{Version: "dev", Commit: "unknown", Date: "unknown"},
			"coreclaw dev (commit unknown, built unknown)"},
		{"go build with -buildvcs=false", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			Info{Version: "dev", Commit: "unknown", Date: "unknown"},
			"coreclaw dev (commit unknown, built unknown)"},
		{"go build in a clean checkout", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201003600-0b77ee0a1b2c"},
				Settings: settings("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-12-01T00:36:00Z", "vcs.modified", "false")},
			Info{Version: "0.0.0-20261201003600-0b77ee0a1b2c", Commit: rev, Date: "2026-12-01T00:36:00Z"},
			"coreclaw 0.0.0-20261201003600-0b77ee0a1b2c (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)"},
		{"go build in a checkout with changes", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201003600-0b77ee0a1b2c+dirty"},
				Settings: settings("vcs.revision", rev, "vcs.time", "2026-12-01T00:36:00Z", "vcs.modified", "true")},
			Info{Version: "0.0.0-20261201003600-0b77ee0a1b2c+dirty", Commit: rev, Date: "2026-12-01T00:36:00Z", Dirty: true},
			"coreclaw 0.0.0-20261201003600-0b77ee0a1b2c+dirty (commit 0b77ee0a1b2c-dirty, built 2026-12-01T00:36:00Z)"},
		{"go build on a tag (devel version, vcs settings)", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
				Settings: settings("vcs.revision", rev, "vcs.time", "2026-12-01T00:36:00Z")},
			Info{Version: "dev", Commit: rev, Date: "2026-12-01T00:36:00Z"},
			"coreclaw dev (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)"},
		{"go install module@v1.4.0", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: settings("-trimpath", "true")},
			Info{Version: "1.4.0", Commit: "unknown", Date: "unknown"},
			"coreclaw 1.4.0 (commit unknown, built unknown)"},
		{"go install module@latest before any tag", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201003600-0b77ee0a1b2c"}},
			Info{Version: "0.0.0-20261201003600-0b77ee0a1b2c", Commit: "0b77ee0a1b2c", Date: "2026-12-01T00:36:00Z"},
			"coreclaw 0.0.0-20261201003600-0b77ee0a1b2c (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)"},
		{"go install module@COMMIT after v1.4.0", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20261201003600-0b77ee0a1b2c"}},
			Info{Version: "1.4.1-0.20261201003600-0b77ee0a1b2c", Commit: "0b77ee0a1b2c", Date: "2026-12-01T00:36:00Z"},
			"coreclaw 1.4.1-0.20261201003600-0b77ee0a1b2c (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)"},
		{"go install module@COMMIT after v1.5.0-rc.1", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "v1.5.0-rc.1.0.20261201003600-0b77ee0a1b2c"}},
			Info{Version: "1.5.0-rc.1.0.20261201003600-0b77ee0a1b2c", Commit: "0b77ee0a1b2c", Date: "2026-12-01T00:36:00Z"},
			"coreclaw 1.5.0-rc.1.0.20261201003600-0b77ee0a1b2c (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)"},
		{"a prerelease is no pseudo-version", Info{},
			&debug.BuildInfo{Main: debug.Module{Version: "v1.5.0-rc.1"}},
			Info{Version: "1.5.0-rc.1", Commit: "unknown", Date: "unknown"},
			"coreclaw 1.5.0-rc.1 (commit unknown, built unknown)"},
		{"make build: ldflags win over everything",
			Info{Version: "v1.4.0-3-g0b77ee0-dirty", Commit: rev, Date: "2026-12-02T10:00:00Z"},
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201003600-0b77ee0a1b2c+dirty"},
				Settings: settings("vcs.revision", "ffffffffffff", "vcs.time", "2026-12-01T00:36:00Z", "vcs.modified", "true")},
			Info{Version: "1.4.0-3-g0b77ee0-dirty", Commit: rev, Date: "2026-12-02T10:00:00Z"},
			"coreclaw 1.4.0-3-g0b77ee0-dirty (commit 0b77ee0a1b2c, built 2026-12-02T10:00:00Z)"},
		{"only the version from ldflags", Info{Version: "1.4.0"},
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201003600-0b77ee0a1b2c"},
				Settings: settings("vcs.revision", rev, "vcs.time", "2026-12-01T00:36:00Z")},
			Info{Version: "1.4.0", Commit: rev, Date: "2026-12-01T00:36:00Z"},
			"coreclaw 1.4.0 (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.linker, tt.bi)
			if got != tt.want {
				t.Errorf("resolve = %+v, want %+v", got, tt.want)
			}
			if line := got.String(); line != tt.line {
				t.Errorf("String() = %q, want %q", line, tt.line)
			}
		})
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		in   Info
		want string
	}{
		{Info{Version: "1.2.3", Commit: "0123456789abcdef0123", Date: "2026-11-30T00:00:00Z"},
			"coreclaw 1.2.3 (commit 0123456789ab, built 2026-11-30T00:00:00Z)"},
		{Info{Version: "1.2.3", Commit: "0123456789ab", Date: "d"}, "coreclaw 1.2.3 (commit 0123456789ab, built d)"},
		{Info{Version: "dev", Commit: "unknown", Date: "unknown"}, "coreclaw dev (commit unknown, built unknown)"},
		{Info{}, "coreclaw  (commit , built )"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUserAgent(t *testing.T) {
	if got := (Info{Version: "1.2.3"}).UserAgent(); got != "coreclaw/1.2.3" {
		t.Errorf("UserAgent() = %q", got)
	}
	if got := Resolve(Info{}).UserAgent(); got == "coreclaw/" {
		t.Errorf("UserAgent() of a resolved Info has no version: %q", got)
	}
}
