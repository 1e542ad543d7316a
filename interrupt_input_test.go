package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/cmd"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// readStarted is stdin from a producer that has not finished: it reports
// the first Read, then blocks in it until the test ends.
type readStarted struct {
	started chan struct{}
	pipe    *io.PipeReader
}

func (r *readStarted) Read(p []byte) (int, error) {
	select {
	case <-r.started:
	default:
		close(r.started)
	}
	return r.pipe.Read(p)
}

// TestInterruptWhileReadingStdin: Ctrl-C while `-f -` or the key prompt
// waits for stdin ends the command at once with exit 130, nothing sent and
// nothing stored.
func TestInterruptWhileReadingStdin(t *testing.T) {
	spec := loadSpec(t)
	for _, tt := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"run -f -", []string{"run", "fake/instant", "-f", "-"},
			"error: interrupted while reading the input from stdin; nothing was sent\n"},
		{"task create -f -", []string{"task", "create", "fake/instant", "--title", "T", "-f", "-"},
			"error: interrupted while reading the input from stdin; nothing was sent\n"},
		{"config set api_key -", []string{"config", "set", "api_key", "-"},
			"error: interrupted while reading the api_key; nothing was stored\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := fakeapi.Start(fakeapi.Options{Spec: spec})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			pr, pw := io.Pipe()
			defer pw.Close()
			stdin := &readStarted{started: make(chan struct{}), pipe: pr}
			ios, _, stdout, stderr := iostreams.Test()
			ios.In = stdin
			f := cmdutil.New(build.Info{Version: "1.2.3", Commit: "test", Date: "today"}, ios)
			configDir := filepath.Join(t.TempDir(), "config")
			env := map[string]string{"CORECLAW_BASE_URL": srv.URL, "CORECLAW_API_KEY": srv.APIKey(), "CORECLAW_CONFIG_DIR": configDir}
			f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-stdin.started
				cancel()
			}()
			exit := make(chan int, 1)
			go func() { exit <- cmd.Run(ctx, f, tt.args) }()
			var code int
			select {
			case code = <-exit:
			case <-time.After(20 * time.Second):
				// Before the fix the command waited for the end of stdin.
				t.Fatal("the command did not end after the interrupt")
			}
			if code != cmdutil.ExitInterrupted || stdout.Len() != 0 || stderr.String() != tt.wantErr {
				t.Errorf("exit %d, stdout %q, stderr %q; want 130 and %q", code, stdout, stderr, tt.wantErr)
			}
			if reqs := srv.Requests(); len(reqs) != 0 {
				t.Errorf("sent %d requests, first %s", len(reqs), reqs[0].Line(true))
			}
			if _, err := os.Stat(configDir); !os.IsNotExist(err) {
				t.Errorf("the config directory was created (%v)", err)
			}
		})
	}
}
