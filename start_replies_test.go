package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// startPath is one way of starting a run: the command line, the endpoint
// it POSTs to, and how its "may have started" hint says to find the run.
type startPath struct {
	name   string
	args   []string
	path   string // path.Match pattern of the start endpoint
	exact  string // the start endpoint itself, for redirects to it
	find   string // the command the hint names
	worker string
}

// startPaths sets up what each start needs (a finished run to rerun, a
// task to run) and returns the five ways to start a run.
func startPaths(t *testing.T, srv *fakeAPI) []startPath {
	t.Helper()
	slug, err := srv.AddRun("fake/instant", "succeeded", 2)
	if err != nil {
		t.Fatal(err)
	}
	code, task, stderr := inProcess(t, srv, "task", "create", "fake/instant", "--title", "T")
	if code != 0 {
		t.Fatalf("task create: %d %s", code, stderr)
	}
	task = strings.TrimSpace(task)
	account := "`coreclaw status last` shows the account's newest run"
	worker := "`coreclaw status last --worker fake~instant` shows the newest run of the Worker"
	return []startPath{
		{"run", []string{"run", "fake/instant", "--no-validate"}, "/api/v2/workers/*/runs", "/api/v2/workers/fake~instant/runs", worker, "fake~instant"},
		{"rerun", []string{"rerun", slug}, "/api/v2/worker-runs/*/rerun", "/api/v2/worker-runs/" + slug + "/rerun", account, ""},
		{"rerun last", []string{"rerun", "last"}, "/api/v2/worker-runs/last/rerun", "/api/v2/worker-runs/last/rerun", account, ""},
		{"rerun last --worker", []string{"rerun", "last", "--worker", "fake/instant"}, "/api/v2/workers/*/runs/last/rerun",
			"/api/v2/workers/fake~instant/runs/last/rerun", worker, "fake~instant"},
		{"task run", []string{"task", "run", task}, "/api/v2/worker-tasks/*/runs", "/api/v2/worker-tasks/" + task + "/runs", account, ""},
	}
}

// TestStartRepliesThatNameNoRun: a reply to a start that leaves it unknown
// whether a run exists exits 1 with the "may have started" hint, for every
// way of starting a run; the start is sent exactly once and the one run
// the fake created is the only one.
func TestStartRepliesThatNameNoRun(t *testing.T) {
	spec := loadSpec(t)
	ok := func(data string) string { return `{"code":0,"message":"success","request_id":"req-x"` + data + `}` }
	replies := []struct {
		name  string
		fault func(p startPath) fakeapi.Fault
		err   string // regexp for the error line
	}{
		{"data null", body(200, ok(`,"data":null`)), `unexpected reply to POST /api/v2/\S+: no data, so no run_slug$`},
		{"no data", body(200, ok(``)), `unexpected reply to POST /api/v2/\S+: no data, so no run_slug$`},
		{"data {}", body(200, ok(`,"data":{}`)), `unexpected reply to POST /api/v2/\S+: no run_slug in the reply$`},
		{"data a string", body(200, ok(`,"data":"01KFAKER000000000000000002"`)), `: data is a string, not an object with a run_slug$`},
		{"run_slug a number", body(200, ok(`,"data":{"run_slug":123}`)), `: run_slug is a number, not a string$`},
		{"run_slug a path", body(200, ok(`,"data":{"run_slug":"../../users/account"}`)), `: run id "\.\./\.\./users/account" contains '/', which is not allowed$`},
		{"201 with an empty body", body(201, ``), `^error: unexpected reply from the API \(HTTP 201 Created\)$`},
		{"200 with a page", body(200, `<html>ok</html>`), `^error: unexpected reply from the API \(HTTP 200 OK\): "ok"$`},
		{"code missing", body(200, `{"message":"success","data":{"run_slug":"01KFAKER000000000000000002"}}`), `^error: unexpected reply from the API \(HTTP 200 OK\)`},
		{"302 to a read", redirect(302, func(startPath) string { return "/api/v2/worker-runs/last" }), `^error: unexpected reply from the API \(HTTP 302 Found\)$`},
		{"303 to a read", redirect(303, func(startPath) string { return "/api/v2/worker-runs/last" }), `^error: unexpected reply from the API \(HTTP 303 See Other\)$`},
		{"307 to itself", redirect(307, func(p startPath) string { return p.exact }), `^error: unexpected reply from the API \(HTTP 307 Temporary Redirect\)$`},
		{"308 to itself", redirect(308, func(p startPath) string { return p.exact }), `^error: unexpected reply from the API \(HTTP 308 Permanent Redirect\)$`},
		{"301 to another host", redirect(301, func(startPath) string { return "https://elsewhere.example.com/x" }), `^error: unexpected reply from the API \(HTTP 301 Moved Permanently\)$`},
		{"cut short", func(startPath) fakeapi.Fault { return fakeapi.Fault{Truncate: true} }, `unexpected EOF; the run may have started$`},
		{"dropped", func(startPath) fakeapi.Fault { return fakeapi.Fault{Drop: true} }, `; the run may have started$`},
		{"502", func(startPath) fakeapi.Fault { return fakeapi.Fault{Status: 502, Code: 10000} }, `^error: internal server error \(HTTP 502, code 10000`},
		{"501 with a code", func(startPath) fakeapi.Fault { return fakeapi.Fault{Status: 501, Code: 16000} }, `^error: error 16000 \(HTTP 501, code 16000`},
	}
	for _, reply := range replies {
		for i := range 5 {
			t.Run(fmt.Sprintf("%s/%d", reply.name, i), func(t *testing.T) {
				inBubble(t, spec, func(t *testing.T, srv *fakeAPI) {
					p := startPaths(t, srv)[i]
					runsBefore := srv.RunsCreated()
					srv.ResetRequests()
					f := reply.fault(p)
					f.Method, f.Path, f.AfterHandling, f.Times = "POST", p.path, true, 1
					srv.AddFault(f)

					code, stdout, stderr := inProcess(t, srv, p.args...)
					if code != 1 || stdout != "" {
						t.Errorf("%s: exit %d, stdout %q, want 1 and nothing\n%s", p.name, code, stdout, stderr)
					}
					if line := errorLine(stderr); !regexp.MustCompile(reply.err).MatchString(line) {
						t.Errorf("%s: error line %q does not match %q", p.name, line, reply.err)
					}
					// Either form of the line says the run may have started and
					// how to find it.
					hint := "hint: the run may have started: " + p.find + " before you try again\n"
					if strings.HasSuffix(errorLine(stderr), "; the run may have started") {
						hint = "hint: " + p.find + " before you try again\n"
					}
					if !strings.HasSuffix(stderr, hint) || strings.Count(stderr, "\n") != 2 {
						t.Errorf("%s: stderr\n%s\nwant the error line and\n%s", p.name, stderr, hint)
					}
					if n := countCalls(srv, "POST", p.path); n != 1 {
						t.Errorf("%s: %d starts sent, want exactly 1", p.name, n)
					}
					if n := srv.RunsCreated() - runsBefore; n != 1 {
						t.Errorf("%s: %d runs created, want 1", p.name, n)
					}
					if reqs := srv.Requests(); len(reqs) != 1 {
						t.Errorf("%s: requests %v, want the start alone", p.name, reqs)
					}
					if v := srv.Violations(); len(v) > 0 {
						t.Errorf("spec violations: %v", v)
					}
				})
			})
		}
	}
}

func body(status int, raw string) func(startPath) fakeapi.Fault {
	return func(startPath) fakeapi.Fault { return fakeapi.Fault{Status: status, Raw: true, Body: raw} }
}

func redirect(status int, to func(startPath) string) func(startPath) fakeapi.Fault {
	return func(p startPath) fakeapi.Fault { return fakeapi.Fault{Status: status, Redirect: to(p)} }
}

// TestStartRepliesWithOddFields: a 2xx with code 0 and a string run_slug is
// a started run whatever the other fields hold: the slug is printed first
// (stdout, or stderr with --sync), then a warning names what could not be
// read; a --sync start then waits as usual.
func TestStartRepliesWithOddFields(t *testing.T) {
	spec := loadSpec(t)
	for i := range 5 {
		for _, sync := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/sync=%v", i, sync), func(t *testing.T) {
				inBubble(t, spec, func(t *testing.T, srv *fakeAPI) {
					p := startPaths(t, srv)[i]
					slug := fmt.Sprintf("01KFAKER%018d", srv.RunsCreated()+1)
					srv.ResetRequests()
					srv.AddFault(fakeapi.Fault{Method: "POST", Path: p.path, AfterHandling: true, Times: 1, Raw: true,
						Body: `{"code":0,"message":{"text":"ok"},"request_id":7,"data":{"run_slug":"` + slug + `","error_message":12,` +
							`"run_status":{"s":1},"results":"many","is_finished":"no","running_duration":"long"}}`})
					args := p.args
					if sync {
						args = append(append([]string(nil), args...), "--sync", "-o", "jsonl", "--interval", "1ms")
					}
					code, stdout, stderr := inProcess(t, srv, args...)
					if code != 0 {
						t.Fatalf("%s: exit %d\n%s", p.name, code, stderr)
					}
					warning := `warning: ignored what could not be read in the reply to the start: run_status={"s":1}, error_message=12, ` +
						`running_duration="long", is_finished="no", results="many"` + "\n"
					if !sync {
						if stdout != slug+"\n" || stderr != warning {
							t.Errorf("%s: stdout %q, stderr %q", p.name, stdout, stderr)
						}
					} else {
						if !strings.HasPrefix(stderr, "started run "+slug+"\n"+warning) {
							t.Errorf("%s: stderr\n%s", p.name, stderr)
						}
						if strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, `"title":"Coffee Spot 2"`) {
							t.Errorf("%s: the results were not printed: %q", p.name, stdout)
						}
					}
					if n := countCalls(srv, "POST", p.path); n != 1 {
						t.Errorf("%s: %d starts sent, want exactly 1", p.name, n)
					}
				})
			})
		}
	}
}

// TestSlugOutputFails: when the slug cannot be printed (a full disk, a
// closed pipe), the real binary puts it on stderr and exits 1 instead of
// dying of SIGPIPE or losing it; the --slug-file is written first.
func TestSlugOutputFails(t *testing.T) {
	skipUnderRace(t)
	bin, err := exec.LookPath("coreclaw")
	if err != nil {
		t.Skip("the coreclaw command of the scripts is not set up")
	}
	spec := loadSpec(t)
	outputs := map[string]func(t *testing.T) *os.File{
		"full disk": func(t *testing.T) *os.File {
			f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Skip("no /dev/full here")
			}
			return f
		},
		"closed pipe": func(t *testing.T) *os.File {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			r.Close()
			return w
		},
	}
	for name, output := range outputs {
		for _, withFile := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/slug-file=%v", name, withFile), func(t *testing.T) {
				srv, err := fakeapi.Start(fakeapi.Options{Spec: spec})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				dir := t.TempDir()
				args := []string{"run", "fake/instant", "--no-validate"}
				slugFile := filepath.Join(dir, "run.slug")
				if withFile {
					args = append(args, "--slug-file", slugFile)
				}
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), "CORECLAW_BASE_URL="+srv.URL, "CORECLAW_API_KEY="+srv.APIKey(),
					"CORECLAW_CONFIG_DIR="+filepath.Join(dir, "config"), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_CACHE_HOME="+dir)
				out := output(t)
				defer out.Close()
				var stderr strings.Builder
				cmd.Stdout, cmd.Stderr = out, &stderr
				err = cmd.Run()
				var exitErr *exec.ExitError
				if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
					t.Fatalf("exit: %v (want status 1)\nstderr:\n%s", err, stderr.String())
				}
				const slug = "01KFAKER000000000000000001"
				want := regexp.MustCompile(`^started run ` + slug + "\n" +
					`error: cannot write the run's slug to stdout: write /dev/stdout: (no space left on device|broken pipe)` + "\n" +
					"hint: the run " + slug + " was started; `coreclaw wait " + slug + "` waits for it\n$")
				if !want.MatchString(stderr.String()) {
					t.Errorf("stderr:\n%s", stderr.String())
				}
				if withFile {
					if got, err := os.ReadFile(slugFile); err != nil || string(got) != slug+"\n" {
						t.Errorf("slug file: %q, %v", got, err)
					}
				}
				if n := srv.RunsCreated(); n != 1 {
					t.Errorf("%d runs created, want 1", n)
				}
			})
		}
	}
}
