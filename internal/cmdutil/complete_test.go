package cmdutil

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spf13/cobra"

	coreapi "github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/memnet"
)

// completionAPI is a CoreClaw API with a run list and a Worker list; a
// list named in slow answers only when the request is given up.
type completionAPI struct {
	mu   sync.Mutex
	hits map[string]int
	slow map[string]bool
	fail map[string]bool
}

func (a *completionAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.hits[r.URL.Path]++
	slow, fail := a.slow[r.URL.Path], a.fail[r.URL.Path]
	a.mu.Unlock()
	if slow {
		<-r.Context().Done()
		return
	}
	if fail {
		w.WriteHeader(500)
		fmt.Fprint(w, `{"code":10000,"message":"internal error"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/v2/worker-runs":
		fmt.Fprint(w, `{"code":0,"data":{"count":3,"list":[
			{"slug":"01KRUNB","scraper_slug":"01KWORKERSLUG1","scraper_title":"Maps\tScraper\n\u001b[31mred","status":"running"},
			{"slug":"01KRUNA","scraper_slug":"me~mine","scraper_title":"Mine","status":4},
			{"slug":"bad slug","scraper_slug":"bad worker","status":"failed"}]}}`)

	case "/api/v2/workers":
		fmt.Fprint(w, `{"code":0,"data":{"scraper":[
			{"slug":"01KMINE","path":"me~mine","title":"Mine"},
			{"slug":"01KWORKERSLUG1","path":"me~maps","title":"Maps"}]}}`)
	default:
		w.WriteHeader(404)
	}
}

func (a *completionAPI) set(m map[string]bool, path string) {
	a.mu.Lock()
	m[path] = true
	a.mu.Unlock()
}

func (a *completionAPI) count(path string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hits[path]
}

// leakyAPI answers the run list with a title that holds the key.
func leakyAPI(key string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":0,"data":{"count":1,"list":[{"slug":"01KRUNA","scraper_title":"echo %s","status":"running"}]}}`, key)
	}
}

func newCompletionAPI(t *testing.T) (*completionAPI, *Factory) {
	t.Helper()
	api := &completionAPI{hits: map[string]int{}, slow: map[string]bool{}, fail: map[string]bool{}}
	ts := httptest.NewServer(api)
	t.Cleanup(ts.Close)
	return api, newCompletionFactory(t, ts.URL)
}

// newCompletionFactory is a factory for completions against the API at baseURL.
func newCompletionFactory(t *testing.T, baseURL string) *Factory {
	t.Helper()
	ios, _, _, stderr := iostreams.Test()
	t.Cleanup(func() {
		if stderr.Len() > 0 {
			t.Errorf("completion wrote on stderr: %q", stderr.String())
		}
	})
	f := New(build.Info{Version: "test"}, ios)
	env := map[string]string{
		"CORECLAW_API_KEY":    "cc_test_completion_key",
		"CORECLAW_BASE_URL":   baseURL,
		"CORECLAW_CONFIG_DIR": t.TempDir(),
		"CORECLAW_DEBUG":      "1", // completion never traces
	}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.Now = func() time.Time { return time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) }
	f.CompletionTimeout = 5 * time.Second
	return f
}

func completions(t *testing.T, complete cobra.CompletionFunc, toComplete string) string {
	t.Helper()
	cmd := &cobra.Command{Use: "x"}
	cmd.SetContext(context.Background())
	got, directive := complete(cmd, nil, toComplete)
	if directive != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("directive %v", directive)
	}
	return strings.Join(got, "\n")
}

func TestCompleteRuns(t *testing.T) {
	api, f := newCompletionAPI(t)
	// Newest first, descriptions on one line without controls, a slug the
	// commands would refuse left out.
	want := "last\tthe account's newest run (--worker: one Worker's)\n" +
		"01KRUNB\tMaps Scraper red, running\n" +
		"01KRUNA\tMine, failed"
	if got := completions(t, f.CompleteRuns, ""); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := completions(t, f.CompleteRuns, "01krunb"); got != "01KRUNB\tMaps Scraper red, running" {
		t.Errorf("prefix: got %q", got)
	}
	if api.count("/api/v2/workers") != 0 {
		t.Error("run completion asked for the Workers")
	}
}

func TestCompleteWorkers(t *testing.T) {
	_, f := newCompletionAPI(t)
	// Own Workers as owner/name; a run's Worker that is one of them (by
	// slug or by path) is not repeated; a refused id is left out.
	want := "me/mine\tMine\nme/maps\tMaps"
	if got := completions(t, f.CompleteWorkers, ""); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A list that does not come back within the time box is left out; the
// other one is still offered, and the call returns at the deadline. It
// runs in a synctest bubble on an in-memory network, so the 50ms box is
// the bubble's: a loaded machine cannot make the fast list late.
func TestCompletionTimeBox(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := &completionAPI{hits: map[string]int{}, slow: map[string]bool{}, fail: map[string]bool{}}
		nw := memnet.New()
		ln, err := nw.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: api}
		go srv.Serve(ln)
		defer srv.Close()
		f := newCompletionFactory(t, "http://"+ln.Addr().String())
		transport := api2Transport(nw)
		defer transport.CloseIdleConnections()
		f.Transport = transport
		f.CompletionTimeout = 50 * time.Millisecond

		api.set(api.slow, "/api/v2/worker-runs")
		start := time.Now()
		if got := completions(t, f.CompleteWorkers, ""); got != "me/mine\tMine\nme/maps\tMaps" {
			t.Errorf("Workers with a slow run list: %q", got)
		}
		if took := time.Since(start); took != 50*time.Millisecond {
			t.Errorf("the completion took %v on the bubble's clock, want the 50ms box", took)
		}
		if got := completions(t, f.CompleteRuns, ""); got != "last\tthe account's newest run (--worker: one Worker's)" {
			t.Errorf("runs with a slow run list: %q", got)
		}
		api.set(api.slow, "/api/v2/workers")
		if got := completions(t, f.CompleteWorkers, ""); got != "" {
			t.Errorf("Workers with both lists slow: %q", got)
		}
	})
}

// api2Transport is the client's transport dialling the in-memory network.
func api2Transport(nw *memnet.Network) *http.Transport {
	transport := coreapi.NewTransport(coreapi.Timeouts{Connect: time.Second, TLS: time.Second,
		Header: time.Minute, SyncHeader: time.Minute, Idle: time.Minute}, nil)
	transport.DialContext = nw.DialContext
	return transport
}

// An error reply, or no key: nothing from the account, no message (the
// harness fails on any stderr), and without a key no request at all.
func TestCompletionWithoutTheAccount(t *testing.T) {
	api, f := newCompletionAPI(t)
	api.set(api.fail, "/api/v2/worker-runs")
	if got := completions(t, f.CompleteWorkers, ""); got != "me/mine\tMine\nme/maps\tMaps" {
		t.Errorf("with a failing run list: %q", got)
	}
	if n := api.count("/api/v2/worker-runs"); n != 1 {
		t.Errorf("the failing list was asked %d times, want once (no retries)", n)
	}

	api2, f2 := newCompletionAPI(t)
	lookup := f2.LookupEnv
	f2.LookupEnv = func(k string) (string, bool) {
		if k == "CORECLAW_API_KEY" {
			return "", false
		}
		return lookup(k)
	}
	if got := completions(t, f2.CompleteRuns, ""); got != "last\tthe account's newest run (--worker: one Worker's)" {
		t.Errorf("without a key: %q", got)
	}
	if got := completions(t, f2.CompleteWorkers, ""); got != "" {
		t.Errorf("without a key: %q", got)
	}
	if n := api2.count("/api/v2/worker-runs") + api2.count("/api/v2/workers"); n != 0 {
		t.Errorf("%d requests without a key", n)
	}
}

// Suggestions are the server's text, printed through the redacting
// stdout: a key echoed in a title never reaches the shell.
func TestCompletionKeepsTheKeyOut(t *testing.T) {
	const key = "cc_test_completion_key"
	ts := httptest.NewServer(leakyAPI(key))
	t.Cleanup(ts.Close)
	ios, _, stdout, _ := iostreams.Test()
	f := New(build.Info{Version: "test"}, ios)
	env := map[string]string{"CORECLAW_API_KEY": key, "CORECLAW_BASE_URL": ts.URL, "CORECLAW_CONFIG_DIR": t.TempDir()}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.CompletionTimeout = 5 * time.Second
	root := &cobra.Command{Use: "coreclaw"}
	root.AddCommand(&cobra.Command{Use: "wait RUN", ValidArgsFunction: f.CompleteRuns, Run: func(*cobra.Command, []string) {}})
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetArgs([]string{cobra.ShellCompRequestCmd, "wait", ""})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	ios.Flush()
	if got := stdout.String(); strings.Contains(got, key) || !strings.Contains(got, "01KRUNA\techo [REDACTED], running\n") {
		t.Errorf("completion output:\n%s", got)
	}
}
