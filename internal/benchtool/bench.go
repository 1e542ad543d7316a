package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// bench holds what every section shares: the binaries, the fake API.
type bench struct {
	root, tmp          string
	coreclaw, skeleton string
	srv                *fakeapi.Server
	http               *http.Client // the bench's own calls to the fake
	latency            time.Duration
	rows, runs         int
	quick              bool
	log                io.Writer
	figures            []figure
}

// figure is one line of the report.
type figure struct {
	target   string // the target: "1 start-up", ...
	name     string
	measured string
	goal     string
	met      string // met, not met, info, skipped, error
}

func (b *bench) add(f figure) {
	b.figures = append(b.figures, f)
	b.logf("%s: %s: %s (target %s) %s", f.target, f.name, f.measured, f.goal, f.met)
}

func metIf(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

// build compiles coreclaw as `make build` does, and the skeleton, with the
// same toolchain and module cache.
func (b *bench) build(ctx context.Context) error {
	b.coreclaw = filepath.Join(b.tmp, "coreclaw")
	b.skeleton = filepath.Join(b.tmp, "skeleton")
	for _, t := range []struct{ out, pkg string }{{b.coreclaw, "."}, {b.skeleton, "./internal/benchtool/skeleton"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=bench", "-o", t.out, t.pkg)
		cmd.Dir = b.root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", t.pkg, err, out)
		}
	}
	return nil
}

// startFake starts the fake API in process, runs progressing with the
// clock as in fakeclaw, every reply held back by the latency.
func (b *bench) startFake() error {
	spec, err := fakeapi.DefaultSpec(func(string) (string, bool) { return "", false })
	if err != nil {
		return err
	}
	b.srv, err = fakeapi.Start(fakeapi.Options{Spec: spec, Latency: b.latency, Workers: fakeapi.FakeclawWorkers()})
	if err != nil {
		return err
	}
	b.srv.SetVariants(fakeapi.Variants{TimeProgress: true, ReadyFor: time.Second, RunningFor: 2500 * time.Millisecond})
	return nil
}

// env is the environment of every child: the fake API, a throw-away
// configuration and cache, no terminal colours.
func (b *bench) env() []string {
	home := filepath.Join(b.tmp, "home")
	_ = os.MkdirAll(home, 0o700)
	return append(os.Environ(),
		"HOME="+home,
		"CORECLAW_BASE_URL="+b.srv.URL,
		"CORECLAW_API_KEY="+b.srv.APIKey(),
		"CORECLAW_CONFIG_DIR="+filepath.Join(home, "config"),
		"CORECLAW_CACHE_DIR="+filepath.Join(home, "cache"),
		"NO_COLOR=1",
	)
}

// outcome is what one child did.
type outcome struct {
	wall   time.Duration
	cpu    time.Duration // user and system time
	end    time.Time
	maxRSS int64 // bytes
	exit   int
	stdout counter
	stderr bytes.Buffer
}

// counter counts what a child writes without keeping it.
type counter struct {
	bytes, lines int64
	last         []byte // the last line, for checks
	partial      []byte
}

func (c *counter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	n := int64(bytes.Count(p, []byte{'\n'}))
	c.lines += n
	if n > 0 {
		i := bytes.LastIndexByte(p[:len(p)-1], '\n')
		if p[len(p)-1] == '\n' {
			c.last = append(append(c.last[:0], c.partial...), p[i+1:len(p)-1]...)
			c.partial = c.partial[:0]
		} else {
			j := bytes.LastIndexByte(p, '\n')
			c.partial = append(c.partial[:0], p[j+1:]...)
		}
	} else {
		c.partial = append(c.partial, p...)
	}
	return len(p), nil
}

// timeBinary is GNU time, which reports a child's peak memory. The
// rusage Go gets for its own child cannot: os/exec starts children with
// vfork, so the child's peak counts the parent's memory (this program's,
// fake API included) from before the exec. time forks, from a small
// process.
const timeBinary = "/usr/bin/time"

// spawn runs a binary; stdout is counted (or sent to /dev/null when
// discard), stderr kept. The peak memory is measured through GNU time
// when it is installed (0 otherwise).
func (b *bench) spawn(ctx context.Context, discard bool, env []string, bin string, args ...string) (*outcome, error) {
	return b.spawnMeasured(ctx, discard, false, env, bin, args...)
}

func (b *bench) spawnMeasured(ctx context.Context, discard, measureMemory bool, env []string, bin string, args ...string) (*outcome, error) {
	var rssFile string
	if measureMemory {
		if _, err := os.Stat(timeBinary); err == nil {
			f, err := os.CreateTemp(b.tmp, "rss-")
			if err != nil {
				return nil, err
			}
			f.Close()
			rssFile = f.Name()
			defer os.Remove(rssFile)
			args = append([]string{"-f", "%M", "-o", rssFile, bin}, args...)
			bin = timeBinary
		}
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Dir = b.tmp
	o := &outcome{}
	if discard {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		defer null.Close()
		cmd.Stdout = null
	} else {
		cmd.Stdout = &o.stdout
	}
	cmd.Stderr = &o.stderr
	start := time.Now()
	err := cmd.Run()
	o.end = time.Now()
	o.wall = o.end.Sub(start)
	if cmd.ProcessState == nil {
		return nil, err
	}
	o.exit = cmd.ProcessState.ExitCode()
	o.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if rssFile != "" {
		data, _ := os.ReadFile(rssFile)
		// GNU time writes "Command exited with non-zero status N" first
		// when the child fails; the figure is the last line, in KiB.
		fields := strings.Fields(string(data))
		if len(fields) > 0 {
			if kib, err := strconv.ParseInt(fields[len(fields)-1], 10, 64); err == nil {
				o.maxRSS = kib << 10
			}
		}
	}
	return o, nil
}

// coreclawRun runs coreclaw against the fake and insists on exit 0; its
// peak memory is measured.
func (b *bench) coreclawRun(ctx context.Context, discard bool, args ...string) (*outcome, error) {
	o, err := b.spawnMeasured(ctx, discard, true, b.env(), b.coreclaw, args...)
	if err != nil {
		return nil, err
	}
	if o.exit != 0 {
		return o, fmt.Errorf("coreclaw %s: exit %d: %s", strings.Join(args, " "), o.exit, firstLine(o.stderr.String()))
	}
	return o, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// loadAverage is the machine's load over the last minute, which every wall
// time here depends on.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func least(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	m := ds[0]
	for _, d := range ds[1:] {
		m = min(m, d)
	}
	return m
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func goVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return "go ?"
	}
	return strings.TrimSpace(string(out))
}

func writeTable(w io.Writer, figs []figure) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tFIGURE\tMEASURED\tTARGET VALUE\tMET")
	for _, f := range figs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.target, f.name, f.measured, f.goal, f.met)
	}
	tw.Flush()
}

func writeMarkdown(w io.Writer, figs []figure) {
	fmt.Fprintln(w, "| Target | Figure | Measured | Target value | Met |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, f := range figs {
		cells := []string{f.target, f.name, f.measured, f.goal, f.met}
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
}
