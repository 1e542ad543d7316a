// Package cmdtest is what the commands' own tests share: a fake CoreClaw
// API on loopback with a reproducible clock, a factory wired to it with
// in-memory streams and a clock that moves only when coreclaw sleeps, and
// a way to parse a command line through one command as the root would.
//
// Every command package has two kinds of test built on it (as gh does):
// TestNewCmdX parses argv through the real cobra command with a runF that
// captures the Options, and TestXRun runs the command's action with
// Options against the fake and asserts exact stdout, stderr, error and
// the requests sent.
package cmdtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Epoch is where the fake's clock starts; the factory's starts an hour
// later.
func Epoch() time.Time { return time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) }

// spec is the embedded OpenAPI document, parsed once per test binary:
// parsing it costs a good part of a second, and every test starts a fake.
var spec = sync.OnceValues(func() (*fakeapi.Spec, error) { return fakeapi.DefaultSpec(os.LookupEnv) })

// Server starts a fake API on loopback whose clock ticks a second on each
// reading (reproducible timestamps), and fails the test at cleanup if any
// request broke the OpenAPI spec.
func Server(t *testing.T, opts fakeapi.Options) *fakeapi.Server {
	t.Helper()
	if opts.Spec == nil {
		spec, err := spec()
		if err != nil {
			t.Fatal(err)
		}
		opts.Spec = spec
	}
	if opts.Now == nil {
		var mu sync.Mutex
		now := Epoch()
		opts.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(time.Second)
			return now
		}
	}
	srv, err := fakeapi.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("requests the spec rejects: %v", v)
		}
	})
	return srv
}

// Clock is the factory's Now and Sleep: it moves only when something
// sleeps on it, and records every sleep.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock by d at once (or returns ctx's error).
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

// Slept is every sleep so far, in order.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// Env is a test's environment: the factory reads it instead of the
// process's.
type Env map[string]string

// Lookup is os.LookupEnv over e.
func (e Env) Lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }

// Streams are a factory's in-memory stdin, stdout and stderr.
type Streams struct {
	In, Out, Err *bytes.Buffer
}

// Factory returns a factory as cmdutil.New makes it (config, key checks,
// client options all real) reading env instead of the process's
// environment, with a config directory of its own, in-memory streams
// (not terminals) and a Clock. With srv, the environment points at it
// with its key. The config and cache directories are the test's own.
func Factory(t *testing.T, srv *fakeapi.Server, env Env) (*cmdutil.Factory, *Streams, *Clock) {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	f := cmdutil.New(build.Info{Version: "1.2.3", Commit: "0123456789abcdef", Date: "2026-11-30"}, ios)
	if env == nil {
		env = Env{}
	}
	if _, ok := env["CORECLAW_CONFIG_DIR"]; !ok {
		env["CORECLAW_CONFIG_DIR"] = filepath.Join(t.TempDir(), "config")
	}
	if _, ok := env["CORECLAW_CACHE_DIR"]; !ok {
		env["CORECLAW_CACHE_DIR"] = filepath.Join(t.TempDir(), "cache")
	}
	if srv != nil {
		if _, ok := env["CORECLAW_BASE_URL"]; !ok {
			env["CORECLAW_BASE_URL"] = srv.URL
		}
		if _, ok := env["CORECLAW_API_KEY"]; !ok {
			env["CORECLAW_API_KEY"] = srv.APIKey()
		}
	}
	f.LookupEnv = env.Lookup
	clock := &Clock{now: Epoch().Add(time.Hour)}
	f.Now, f.Sleep = clock.Now, clock.Sleep
	return f, &Streams{In: in, Out: out, Err: errOut}, clock
}

// Parse runs argv through cmd as the root runs it (silenced, with the
// root's flag errors) and returns the error. cmd is named by its Use.
func Parse(t *testing.T, cmd *cobra.Command, argv ...string) error {
	t.Helper()
	return execute(cmd, append([]string{cmd.Name()}, argv...))
}

// ParseSub is Parse for a subcommand of a group (`task create`): the group
// is named group and holds only cmd.
func ParseSub(t *testing.T, group string, cmd *cobra.Command, argv ...string) error {
	t.Helper()
	parent := &cobra.Command{Use: group}
	parent.AddCommand(cmd)
	return execute(parent, append([]string{group, cmd.Name()}, argv...))
}

// execute runs args under a root like coreclaw's that holds only top.
func execute(top *cobra.Command, args []string) error {
	root := &cobra.Command{Use: "coreclaw", SilenceErrors: true, SilenceUsage: true}
	root.SetFlagErrorFunc(cmdutil.FlagError)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.AddCommand(top)
	root.SetArgs(args)
	_, err := root.ExecuteContextC(context.Background())
	return err
}

// Message is what coreclaw prints for err on stderr (cmd.Run's
// printError, without colour) followed by " (exit N)": "" for nil.
func Message(err error) string {
	if err == nil {
		return ""
	}
	msg, hint := cmdutil.Describe(err)
	s := "error: " + iostreams.SanitizeLine(msg) + "\n"
	if hint != "" {
		s += "hint: " + iostreams.SanitizeLine(hint) + "\n"
	}
	return s + fmt.Sprintf("(exit %d)", cmdutil.ExitCode(err))
}

// Requests are the requests srv has had, one line each ("METHOD
// /path?query body"), download-host requests included.
func Requests(srv *fakeapi.Server) string {
	var lines []string
	for _, r := range srv.Requests() {
		lines = append(lines, r.Line(true))
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// Diff reports got against want as a test error when they differ.
func Diff(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n--- got\n%s\n--- want\n%s\n--- got, quoted\n%q", what, got, want, got)
	}
}
