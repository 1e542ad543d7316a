package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/coreclaw/coreclaw/cmd"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/race"
	"github.com/coreclaw/coreclaw/internal/scripttest"
)

// TestMain lets the test binary double as the coreclaw binary, so that
// scripts run the real command line in a child process.
func TestMain(m *testing.M) {
	startSignalMasking()
	testscript.Main(m, map[string]func(){
		"coreclaw": func() {
			code := cmd.MainWith(build.Info{Version: "1.2.3", Commit: "0123456789abcdef0123", Date: "2026-11-30T00:00:00Z"},
				func(f *cmdutil.Factory) { pinClock(f); completionBox(f) })
			// Background commands' exit codes are not visible to scripts;
			// leave it where `bgcode` can read it.
			if p := os.Getenv(scripttest.ExitFileEnv); p != "" {
				_ = os.WriteFile(p, []byte(strconv.Itoa(code)), 0o644)
			}
			os.Exit(code)
		},
	})
}

// pinClock gives the scripts' coreclaw a clock of its own (scriptClock).
func pinClock(f *cmdutil.Factory) {
	clock := &scriptClock{now: time.Now(), sleeps: -1}
	if v := os.Getenv("CORECLAW_TEST_NOW"); v != "" {
		start, err := time.Parse(time.RFC3339, v)
		if err != nil {
			panic("CORECLAW_TEST_NOW: " + err.Error())
		}
		clock.now = start
	}
	if v := os.Getenv("CORECLAW_TEST_SLEEPS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			panic("CORECLAW_TEST_SLEEPS: not a count: " + v)
		}
		clock.sleeps = n
	}
	f.Now, f.Sleep = clock.Now, clock.Sleep
}

// scriptClock is coreclaw's clock in the scripts. It starts at
// CORECLAW_TEST_NOW (RFC 3339) when the script sets it, so that "today"
// and "this month" are the same on every run, else at the real time the
// command starts; from there it moves only when coreclaw sleeps, by
// exactly what it asked for. Polls, retries and waits for a slot take no
// real time, and what a command prints depends on the script alone, not
// on how fast the machine is. (Timeouts of requests in flight, such as
// --timeout cutting a check the server never answers, stay on the real
// clock: nothing moves this one while coreclaw waits for the network.)
//
// CORECLAW_TEST_SLEEPS=N lets N sleeps pass and holds the next one until
// the command is interrupted: a background command then stands still at a
// known point (`run --wait` after N+1 polls) for the script to signal it.
type scriptClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps int // sleeps left before one holds; negative: no limit
}

func (c *scriptClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *scriptClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	if c.sleeps == 0 {
		c.mu.Unlock()
		<-ctx.Done()
		return ctx.Err()
	}
	if c.sleeps > 0 {
		c.sleeps--
	}
	if d > 0 {
		c.now = c.now.Add(d)
	}
	c.mu.Unlock()
	return nil
}

// completionBox sets the time box of Tab completion's API calls to
// CORECLAW_TEST_COMPLETION_TIMEOUT when a script sets it: a generous box
// where a script checks what the account suggests (a loaded machine must
// not drop it), the real one (unset) where it checks that a slow API is
// cut off.
func completionBox(f *cmdutil.Factory) {
	if v := os.Getenv("CORECLAW_TEST_COMPLETION_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			panic("CORECLAW_TEST_COMPLETION_TIMEOUT: " + err.Error())
		}
		f.CompletionTimeout = d
	}
}

// TestScripts runs testdata/script/*.txtar, each against its own fake API.
func TestScripts(t *testing.T) {
	skipUnderRace(t)
	spec := loadSpec(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup:               func(env *testscript.Env) error { return setupScript(env, spec) },
		Cmds:                scripttest.Commands(),
	})
}

// skipUnderRace skips the tests that run coreclaw as a child process when
// the race detector is built in: a race-instrumented child makes them ten
// times slower, and the code they drive meets the detector in process
// (make test runs them in its plain pass).
func skipUnderRace(t *testing.T) {
	if race.Enabled {
		t.Skip("coreclaw runs as a child process here; make test runs this without the race detector")
	}
}

func loadSpec(t *testing.T) *fakeapi.Spec {
	t.Helper()
	spec, err := fakeapi.DefaultSpec(os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// setupScript starts a fake API for one script and points coreclaw at it.
// No script sees the real home directory or the real network.
func setupScript(env *testscript.Env, spec *fakeapi.Spec) error {
	return setupScriptWith(env, fakeapi.Options{Spec: spec, Now: tickingClock()})
}

// setupScriptWith is setupScript with a fake configured by opts.
func setupScriptWith(env *testscript.Env, opts fakeapi.Options) error {
	srv, err := fakeapi.Start(opts)
	if err != nil {
		return err
	}
	env.Defer(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			env.T().Fatal("the fake API saw requests (or gave replies) that openapi.json rejects:\n  " + strings.Join(v, "\n  "))
		}
	})
	scripttest.Attach(env, srv)
	home := filepath.Join(env.WorkDir, ".home")
	for k, v := range map[string]string{
		"CORECLAW_BASE_URL":    srv.URL,
		"CORECLAW_API_KEY":     srv.APIKey(),
		"CORECLAW_CONFIG_DIR":  filepath.Join(env.WorkDir, ".config", "coreclaw"),
		"HOME":                 home,
		"XDG_CONFIG_HOME":      filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":       filepath.Join(home, ".cache"),
		"FAKE_KEY":             srv.APIKey(),
		scripttest.ExitFileEnv: filepath.Join(env.WorkDir, ".exitcode"),
		"FAKE_URL":             srv.URL,
	} {
		env.Setenv(k, v)
	}
	return nil
}

// tickingClock starts at a fixed moment and moves one second per reading,
// so that the timestamps the fake reports are the same on every run.
func tickingClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}
