package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// serveOutput runs `fakeclaw ARGS... serve` until it has printed
// everything (its context is over before it starts).
func serveOutput(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, append(args, "serve"), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// `fakeclaw serve` prints where it is and what it has on stderr, and only
// the line that points coreclaw at it on stdout.
func TestServe(t *testing.T) {
	code, stdout, stderr := serveOutput(t, "--download-rate", "16KiB/s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	exportLine := regexp.MustCompile(`^export CORECLAW_BASE_URL=(http://127\.0\.0\.1:[0-9]+) CORECLAW_API_KEY=cc_test_0123456789abcdef\n$`)
	m := exportLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("stdout %q", stdout)
	}
	want := "fake CoreClaw API on " + m[1] + " (key cc_test_0123456789abcdef); Ctrl-C stops it\n" +
		"downloads are sent at 16KiB/s\n" +
		"\nWorkers:\n" +
		"  coreclaw/google-maps-scraper  succeeds with 3 places, or max_results of them; its input schema requires keywords and base_location and is checked before the run starts\n" +
		"  coreclaw/web-page-fetcher     succeeds with 1 row; its input schema is JSON-Schema-shaped and requires url\n" +
		"  fake/succeeds                 succeeds with 3 places\n" +
		"  fake/instant                  succeeds with 2 rows the first time anyone looks\n" +
		"  fake/fails                    fails after 1 row with the message \"navigation timeout on page 3\" (exit 3)\n" +
		"  fake/aborts                   ends up aborting and stays there (exit 6)\n" +
		"  fake/aborted                  ends up aborted (exit 6)\n" +
		"  fake/slow                     runs for 45 s before it succeeds: try --timeout, Ctrl-C, logs --follow and abort\n" +
		"  fake/big                      succeeds with 2500 rows: paged results, and exports big enough for a progress bar\n" +
		"  fake/empty                    succeeds with no rows\n" +
		"  fake/tricky                   succeeds with 4 rows full of commas, quotes, line breaks, Unicode, terminal escapes and big integers\n" +
		"  fake/odd-status               stays in a status the API does not document (paused): coreclaw warns and keeps waiting\n" +
		"  fake/form                     succeeds with 1 row; its input schema uses the console form's editors (select, radio, checkbox, requestList)\n" +
		"  fake/odd-schema               succeeds with 1 row; its input schema has a shape no client can read, so the check warns and the run goes ahead\n" +
		"  fake/no-schema                succeeds with 1 row; it has no input schema (404), so nothing is checked\n" +
		"  fake/gen                      succeeds with rows places (default 1000, up to 1,000,000) made as they are read, seconds after it starts: for benchmarks\n" +
		"\nIn another terminal, point coreclaw at it:\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}

	// Without a rate there is no line about it.
	_, _, stderr = serveOutput(t)
	if strings.Contains(stderr, "downloads are sent") {
		t.Errorf("no --download-rate, yet: %s", stderr)
	}
}

func TestLatencyFlag(t *testing.T) {
	_, _, stderr := serveOutput(t, "--latency", "20ms")
	if !strings.Contains(stderr, "\nevery API reply takes 20ms from its request\n") {
		t.Errorf("--latency 20ms: %s", stderr)
	}
	code, stdout, stderr := serveOutput(t, "--latency", "-1s")
	if code != 2 || stdout != "" || stderr != "fakeclaw: --latency: must not be negative\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestBadDownloadRate(t *testing.T) {
	code, stdout, stderr := serveOutput(t, "--download-rate", "fast")
	if code != 2 || stdout != "" || stderr != "fakeclaw: --download-rate: \"fast\" is not a rate such as 256KiB/s, 1MiB/s or 0\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{"0", 0, false},
		{"4096", 4096, false},
		{"500B/s", 500, false},
		{"256KiB/s", 256 << 10, false},
		{"256kib", 256 << 10, false},
		{"1MiB/s", 1 << 20, false},
		{"1.5MiB/s", 3 << 19, false},
		{"64kB/s", 64000, false},
		{"2MB/s", 2000000, false},
		{" 16 KiB/s ", 16 << 10, false},
		{"", 0, true},
		{"fast", 0, true},
		{"-1KiB/s", 0, true},
		{"0.5B/s", 0, true},
		{"10GiB/s", 0, true},
		{"KiB/s", 0, true},
	}
	for _, tt := range tests {
		got, err := parseRate(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("parseRate(%q) = %d, %v; want %d (error: %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
	for _, rate := range []int64{1 << 20, 256 << 10, 500, 1500} {
		back, err := parseRate(formatRate(rate))
		if err != nil || back != rate {
			t.Errorf("parseRate(formatRate(%d)) = %d, %v", rate, back, err)
		}
	}
}

// The README's table of the fake's Workers says what the catalogue says,
// Worker for Worker, in the same order.
func TestReadmeListsTheWorkers(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const header = "| Worker | What its runs do |"
	var rows []string
	inTable := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == header:
			inTable = true
		case inTable && strings.HasPrefix(line, "|"):
			if !strings.HasPrefix(line, "| ---") && !strings.HasPrefix(line, "|---") {
				rows = append(rows, line)
			}
		case inTable:
			inTable = false
		}
	}
	var want []string
	for _, w := range fakeapi.FakeclawWorkers() {
		want = append(want, "| `"+w.Owner+"/"+w.Name+"` | "+w.Behaviour+" |")
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("README.md's table under %q:\n%s\nwant (from the catalogue):\n%s", header, strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
