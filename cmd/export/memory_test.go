package export

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/hostile"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/race"
)

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// TestTerminalExportMemoryIsFlat: export to a terminal cleans the file as
// it streams: a 32 MiB file of one line (no newline) is not held whole.
func TestTerminalExportMemoryIsFlat(t *testing.T) {
	if race.Enabled {
		t.Skip("a memory bound, under the race detector; make test runs it without")
	}
	const size = 32 << 20
	mux := http.NewServeMux()
	var srv *hostile.Server
	mux.HandleFunc("/api/v2/worker-runs/01KRUN/result/export", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"code":0,"message":"success","data":{"download_url":"%s/files/results.csv"}}`, srv.URL)
	})
	mux.HandleFunc("/files/results.csv", hostile.Sized("text/csv", size))
	srv = hostile.Start(t, mux)
	client, err := api.New(api.Options{BaseURL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := iostreams.Test()
	out := &countingWriter{}
	ios.Out = out
	ios.SetTTY(false, true, false)
	opts := &Options{IO: ios, APIClient: func() (*api.Client, error) { return client, nil }, Run: "01KRUN", Format: "csv"}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err = Run(context.Background(), opts)
	runtime.ReadMemStats(&after)
	if err != nil || out.n != size {
		t.Fatalf("printed %d bytes, %v", out.n, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d MiB for a %d MiB file", alloc>>20, size>>20)
	}
}
