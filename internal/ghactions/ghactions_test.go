package ghactions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDetect(t *testing.T) {
	if e := Detect(env(map[string]string{"GITHUB_OUTPUT": "/x"}), nil); e != nil {
		t.Errorf("without GITHUB_ACTIONS: %+v, want nil", e)
	}
	if e := Detect(env(map[string]string{"GITHUB_ACTIONS": "1", "GITHUB_OUTPUT": "/x"}), nil); e != nil {
		t.Errorf("GITHUB_ACTIONS=1 (GitHub sets true): %+v, want nil", e)
	}
	e := Detect(env(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": "/o", "GITHUB_STEP_SUMMARY": "/s"}), nil)
	if e == nil || e.OutputPath != "/o" || e.SummaryPath != "/s" {
		t.Errorf("in Actions: %+v", e)
	}
}

func redactKey(s string) string { return strings.ReplaceAll(s, "cc_secret_key", "[REDACTED]") }

func TestSetOutputs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	if err := os.WriteFile(path, []byte("earlier=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := &Env{OutputPath: path, Redact: redactKey, Random: bytes.NewReader(bytes.Repeat([]byte{0xab}, 64))}
	err := e.SetOutputs([]Output{
		{"run_slug", "01KKDXV2G26BT7NH4ZQR2R4NPZ"},
		{"status", ""},
		{"reason", "two\nlines with cc_secret_key"},
		{"cr", "a\rb"},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := "ghadelimiter_" + strings.Repeat("ab", 16)
	want := "earlier=1\nrun_slug=01KKDXV2G26BT7NH4ZQR2R4NPZ\nstatus=\n" +
		"reason<<" + d + "\ntwo\nlines with [REDACTED]\n" + d + "\n" +
		"cr<<" + d + "\na\rb\n" + d + "\n"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("GITHUB_OUTPUT\n got %q\nwant %q", got, want)
	}
}

// A value that holds the delimiter gets another one.
func TestSetOutputsDelimiterNotInValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	first := "ghadelimiter_" + strings.Repeat("00", 16)
	random := bytes.NewReader(append(make([]byte, 16), bytes.Repeat([]byte{1}, 16)...))
	e := &Env{OutputPath: path, Random: random}
	if err := e.SetOutputs([]Output{{"v", "x\n" + first}}); err != nil {
		t.Fatal(err)
	}
	second := "ghadelimiter_" + strings.Repeat("01", 16)
	want := "v<<" + second + "\nx\n" + first + "\n" + second + "\n"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestNoFilesNoWrites(t *testing.T) {
	e := &Env{}
	if err := e.SetOutputs([]Output{{"a", "b"}}); err != nil {
		t.Error(err)
	}
	if err := e.AppendSummary("x"); err != nil {
		t.Error(err)
	}
	e = &Env{OutputPath: filepath.Join(t.TempDir(), "missing", "out")}
	if err := e.SetOutputs([]Output{{"a", "b"}}); err == nil {
		t.Error("an output file that cannot be written: no error")
	}
}

func TestSummaryRedactedAndEscaped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sum")
	e := &Env{SummaryPath: path, Redact: redactKey}
	// Redaction comes before escaping, which would otherwise hide the
	// key's underscores from it.
	if err := e.AppendSummary("# " + e.Markdown("key cc_secret_key") + "\n"); err != nil {
		t.Fatal(err)
	}
	if err := e.AppendSummary("raw cc_secret_key\n"); err != nil {
		t.Fatal(err)
	}
	want := "# key \\[REDACTED\\]\nraw [REDACTED]\n"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Google Maps Scraper", "Google Maps Scraper"},
		{"$0.2600", `\$0.2600`},
		{"a|b", `a\|b`},
		{"<img src=x onerror=alert(1)>", `\<img src=x onerror=alert(1)\>`},
		{"**bold** _it_ `code` ~~x~~", `\*\*bold\*\* \_it\_ \` + "`" + `code\` + "`" + ` \~\~x\~\~`},
		{"[link](http://x) ![i](y)", `\[link\](http://x) \!\[i\](y)`},
		{"&amp; #h \\", `\&amp; \#h \\`},
		{"two\nlines\r\tand \x1b[31mred\x1b[0m \u202eflip", "two lines and red flip"},
		{"咖啡 ✓", "咖啡 ✓"},
	}
	for _, tt := range tests {
		if got := EscapeMarkdown(tt.in); got != tt.want {
			t.Errorf("EscapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeData(t *testing.T) {
	if got, want := EscapeData("50% done\r\n::error::x"), "50%25 done%0D%0A::error::x"; got != want {
		t.Errorf("EscapeData = %q, want %q", got, want)
	}
}
