package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The committed man/ must be what the commands generate now, file for
// file: a changed flag or help text needs `make man`.
func TestManPagesUpToDate(t *testing.T) {
	pages, err := render()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "..", "man")
	files, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		t.Fatal(err)
	}
	var committed, generated []string
	for _, f := range files {
		committed = append(committed, filepath.Base(f))
	}
	for name := range pages {
		generated = append(generated, name)
	}
	sort.Strings(generated)
	if strings.Join(committed, " ") != strings.Join(generated, " ") {
		t.Fatalf("man/ holds %v\nthe commands make %v\nrun 'make man'", committed, generated)
	}
	for _, name := range generated {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pages[name]) {
			t.Errorf("man/%s is stale: run 'make man'", name)
		}
	}
}

func TestMainPage(t *testing.T) {
	pages, err := render()
	if err != nil {
		t.Fatal(err)
	}
	page := string(pages["coreclaw.1"])
	for _, want := range []string{
		`.TH "CORECLAW" "1" "Dec 2026" "coreclaw" "coreclaw manual"`,
		`\fBcoreclaw <command> [flags]\fP`, // not eaten as an HTML tag
		".SH EXIT STATUS\n.nf\ncode  meaning\n0     success",
		"130   interrupted",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("coreclaw.1 lacks %q", want)
		}
	}
	if i, j := strings.Index(page, ".SH EXIT STATUS"), strings.Index(page, ".SH SEE ALSO"); i < 0 || j < i {
		t.Errorf("EXIT STATUS should come before SEE ALSO")
	}
	if strings.Contains(page, "HISTORY") {
		t.Errorf("coreclaw.1 has a HISTORY section (today's date): %s", page)
	}
	if !strings.Contains(string(pages["coreclaw-completion-bash.1"]), "source <(coreclaw completion bash)") {
		t.Errorf("code in the completion page was escaped")
	}
	if _, ok := pages["coreclaw-run.1"]; !ok {
		t.Errorf("no page for coreclaw run")
	}
}

func TestEscapeAngles(t *testing.T) {
	tests := []struct{ in, want string }{
		{"file:<path>, default", `file:\<path>, default`},
		{"run `a <b>` then <c>", "run `a <b>` then \\<c>"},
		{"text <x>\n\tsource <(cmd)\n    <kept>\n<y>", "text \\<x>\n\tsource <(cmd)\n    <kept>\n\\<y>"},
		{"no angles", "no angles"},
	}
	for _, tt := range tests {
		if got := escapeAngles(tt.in); got != tt.want {
			t.Errorf("escapeAngles(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRoffText(t *testing.T) {
	if got, want := roffText(".dot\n'quote\nback\\slash\n"), "\\&.dot\n\\&'quote\nback\\eslash\n"; got != want {
		t.Errorf("roffText = %q, want %q", got, want)
	}
}
