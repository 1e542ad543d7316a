package logs

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/hostile"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/race"
)

// countingWriter counts what is printed, and remembers its last bytes.
type countingWriter struct {
	n    int64
	last []byte
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	w.last = append(w.last, p[max(0, len(p)-8):]...)
	w.last = w.last[max(0, len(w.last)-8):]
	return len(p), nil
}

// TestAllLogsMemoryIsFlat: `logs --all`, with and without --grep, into a
// pipe and onto a terminal, prints a 32 MiB log of one line (no newline)
// without holding it: what is allocated stays a few buffers.
func TestAllLogsMemoryIsFlat(t *testing.T) {
	if race.Enabled {
		t.Skip("a memory bound, under the race detector; make test runs it without")
	}
	const size = 32 << 20
	mux := http.NewServeMux()
	var srv *hostile.Server
	mux.HandleFunc("/api/v2/worker-runs/01KRUN/log", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"code":0,"message":"success","data":{"all_logs_url":"%s/files/log.txt","list":[]}}`, srv.URL)
	})
	mux.HandleFunc("/files/log.txt", hostile.Sized("text/plain", size))
	srv = hostile.Start(t, mux)

	for _, tt := range []struct {
		name    string
		tty     bool
		grep    string
		printed int64
	}{
		{"pipe", false, "", size},
		{"terminal", true, "", size},
		{"grep, pipe", false, "x", size + 1},
		{"grep, terminal", true, "^x+$", size + 1},
		{"grep, no match", false, "y", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, err := api.New(api.Options{BaseURL: srv.URL, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			ios, _, _, _ := iostreams.Test()
			out := &countingWriter{}
			ios.Out = out
			ios.SetTTY(false, tt.tty, false)
			opts := &Options{IO: ios, APIClient: func() (*api.Client, error) { return client, nil },
				Run: "01KRUN", All: true, Grep: tt.grep, Interval: DefaultInterval}

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err = Run(context.Background(), opts)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			wantEnd := map[bool]string{true: "xxxxxxxx", false: "xxxxxxx\n"}[tt.grep == ""]
			if out.n != tt.printed || tt.printed > 0 && string(out.last) != wantEnd {
				t.Errorf("printed %d bytes ending %q, want %d", out.n, out.last, tt.printed)
			}
			// Before, one line was held whole (and copied while cleaned):
			// 32 MiB and more.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("allocated %d MiB for a %d MiB log", alloc>>20, size>>20)
			}
		})
	}
}

// TestGrepLongLines: a line longer than maxGrepLine is matched on its
// first maxGrepLine bytes and then printed whole, or skipped whole.
func TestGrepLongLines(t *testing.T) {
	if race.Enabled {
		t.Skip("megabyte lines through one goroutine, under the race detector; make test runs it without")
	}
	long := "start " + strings.Repeat("x", 3*maxGrepLine) + " end"
	in := "short match\n" + long + "\nshort other\n" + long
	for _, tt := range []struct {
		re   string
		want string
	}{
		{"match", "short match\n"},
		{"^start", long + "\n" + long + "\n"},
		{"other", "short other\n"},
	} {
		var out strings.Builder
		m := matcher{re: regexpMust(t, tt.re)}
		if err := grepLines(&out, strings.NewReader(in), m, false); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("--grep %q printed %d bytes, want %d", tt.re, out.Len(), len(tt.want))
		}
	}
	// On a terminal, escape sequences go, across the pieces of a line too.
	var out strings.Builder
	in = "\x1b[31m" + strings.Repeat("y", maxGrepLine) + "\x1b[0m tail\nskip\n"
	if err := grepLines(&out, strings.NewReader(in), matcher{re: regexpMust(t, "y")}, true); err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("y", maxGrepLine) + " tail\n"; out.String() != want {
		t.Errorf("terminal: %d bytes, ends %q", out.Len(), out.String()[max(0, out.Len()-10):])
	}
}

func regexpMust(t *testing.T, re string) *regexp.Regexp {
	t.Helper()
	return regexp.MustCompile(re)
}
