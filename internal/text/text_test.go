package text

import "testing"

func TestPlural(t *testing.T) {
	for n, want := range map[int64]string{0: "0 results", 1: "1 result", 2: "2 results", 1000: "1000 results"} {
		if got := Plural(n, "result"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestByteCount(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 bytes"}, {1023, "1023 bytes"}, {1024, "1.0 KiB"}, {1126, "1.1 KiB"},
		{1 << 20, "1.0 MiB"}, {5 << 30, "5.0 GiB"}, {1<<40 + 1<<39, "1.5 TiB"},
	}
	for _, tt := range tests {
		if got := ByteCount(tt.n); got != tt.want {
			t.Errorf("ByteCount(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestTimestamp: RFC 3339 in UTC; nothing for the API's "not yet" (0) or
// a negative number. OrDash is the detail views' empty marker.
func TestTimestamp(t *testing.T) {
	tests := []struct {
		secs int64
		want string
	}{
		{1796025604, "2026-11-30T08:00:04Z"}, {1, "1970-01-01T00:00:01Z"}, {0, ""}, {-5, ""},
	}
	for _, tt := range tests {
		if got := Timestamp(tt.secs); got != tt.want {
			t.Errorf("Timestamp(%d) = %q, want %q", tt.secs, got, tt.want)
		}
	}
	if OrDash("") != "-" || OrDash("x") != "x" {
		t.Errorf("OrDash: %q, %q", OrDash(""), OrDash("x"))
	}
}

func TestJSONKind(t *testing.T) {
	tests := map[string]string{
		``: "empty", `  `: "empty", `{}`: "an object", ` [1]`: "an array", `"s"`: "a string",
		`null`: "null", `true`: "a boolean", `false`: "a boolean", `-1.5`: "a number", `0`: "a number",
		`nul`: "not JSON", `x`: "not JSON",
	}
	for in, want := range tests {
		if got := JSONKind([]byte(in)); got != want {
			t.Errorf("JSONKind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"wait", "wait", 0}, {"wiat", "wait", 2}, {"wat", "wait", 1},
		{"", "abc", 3}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"timout", "timeout", 1},
		{"straße", "strasse", 2}, {"café", "cafe", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := EditDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestNearest: case is ignored; at most two edits; with prefix, the start
// of a name (two characters or more) is near; of equally near names the
// first wins.
func TestNearest(t *testing.T) {
	names := []string{"max_results", "language", "keywords", "lang"}
	tests := []struct {
		typed  string
		prefix bool
		want   string
	}{
		{"max_result", false, "max_results"},
		{"Language", false, "language"},
		{"LANG", false, "lang"},
		{"langauge", false, "language"},
		{"zzz", false, ""},
		{"key", false, ""},
		{"key", true, "keywords"},
		{"k", true, ""},
		{"lan", false, "lang"},
		{"lan", true, "language"}, // both one away: the first
	}
	for _, tt := range tests {
		if got := Nearest(tt.typed, names, tt.prefix); got != tt.want {
			t.Errorf("Nearest(%q, prefix %v) = %q, want %q", tt.typed, tt.prefix, got, tt.want)
		}
	}
	if !Near("tmeout", "timeout", false) || Near("xyz", "timeout", true) || !Near("tim", "timeout", true) {
		t.Error("Near")
	}
}

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"run"}, `; did you mean "run"?`},
		{[]string{"run", "runs"}, `; did you mean "run" or "runs"?`},
		{[]string{"a", "b", "c\"d"}, `; did you mean "a", "b" or "c\"d"?`},
	}
	for _, tt := range tests {
		if got := DidYouMean(tt.in); got != tt.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
