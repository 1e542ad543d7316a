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

// With nothing from the linker, Resolve takes what the build information
// has (a test binary has no module version and no VCS stamp) and fills
// the rest with the defaults.
func TestResolveFromBuildInfo(t *testing.T) {
	want := Info{Version: "dev", Commit: "unknown", Date: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			want.Version = v
			if v[0] == 'v' {
				want.Version = v[1:]
			}
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				want.Commit = s.Value
			case "vcs.time":
				want.Date = s.Value
			}
		}
	}
	if got := Resolve(Info{}); got != want {
		t.Errorf("Resolve(Info{}) = %+v, want %+v", got, want)
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
