package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// resultPath is a run's page of results.
var resultPath = regexp.MustCompile(`^/api/v2/worker-runs/[0-9A-Za-z]{26}/result$`)

func isResultPage(r fakeapi.Request) bool { return r.Method == "GET" && resultPath.MatchString(r.Path) }

// pagesInFlight is how many result pages the target wants fetched at
// once, and targetRows the size of result set its time is set for.
const (
	pagesInFlight = 4
	targetRows    = 100_000
)

// results is target 4: a large result set at the fake's latency, against
// the ideal of pages × latency ÷ 4; peak memory at 10k and at the large
// size; tables and --jq, which hold every row, on their own.
func (b *bench) results(ctx context.Context) error {
	const target = "4 results"
	sizes := []int{10_000}
	if b.rows > 10_000 {
		sizes = append(sizes, b.rows)
	}
	peak := map[int]int64{}
	for _, n := range sizes {
		slug, err := b.srv.AddRun("fake/gen", "succeeded", n)
		if err != nil {
			return err
		}
		b.srv.ResetRequests()
		o, err := b.coreclawRun(ctx, false, "results", slug, "-o", "jsonl")
		if err != nil {
			return err
		}
		pages := b.count(isResultPage)
		ideal := time.Duration(pages) * b.latency / pagesInFlight
		ratio := float64(o.wall) / float64(ideal)
		ok := o.stdout.lines == int64(n) && ratio <= 1.3
		goal, met := fmt.Sprintf("≤ 1.3× ideal, %d rows", n), metIf(ok)
		if n < targetRows {
			// The target is set for 100,000 rows; at fewer, the fixed
			// costs (start-up, pages 1 and 2 read alone) weigh more.
			goal, met = fmt.Sprintf("for comparison (the target is for %d rows); %d rows", targetRows, n), "info"
			if o.stdout.lines != int64(n) {
				met = "not met"
			}
		}
		b.add(figure{target: target, name: fmt.Sprintf("results -o jsonl, %d rows (default: %d pages at once)", n, pagesInFlight),
			measured: fmt.Sprintf("%.2f s = %.2f× the ideal %.2f s (%d pages); %d rows out; %s peak; coreclaw's CPU %.2f s", o.wall.Seconds(), ratio, ideal.Seconds(), pages, o.stdout.lines, mib(o.maxRSS), o.cpu.Seconds()),
			goal:     goal, met: met})
		peak[n] = o.maxRSS
		if n == sizes[0] {
			// The same, strictly one page at a time: what fetching ahead
			// gains.
			b.srv.ResetRequests()
			one, err := b.coreclawRun(ctx, false, "results", slug, "-o", "jsonl", "--concurrency", "1")
			if err != nil {
				return err
			}
			serial := time.Duration(b.count(isResultPage)) * b.latency
			b.add(figure{target: target, name: fmt.Sprintf("results -o jsonl --concurrency 1, %d rows", n),
				measured: fmt.Sprintf("%.2f s = %.2f× one page after another (%.2f s); %d rows out", one.wall.Seconds(), float64(one.wall)/float64(serial), serial.Seconds(), one.stdout.lines),
				goal:     "for comparison", met: "info"})
		}
	}
	if peak[sizes[0]] == 0 {
		b.add(figure{target: target, name: "peak memory", measured: timeBinary + " is not installed", goal: "within 20 %, < 64 MiB", met: "skipped"})
		return nil
	}
	if len(sizes) == 2 {
		small, large := peak[sizes[0]], peak[sizes[1]]
		growth := float64(large)/float64(small) - 1
		b.add(figure{target: target, name: "peak memory, jsonl", measured: fmt.Sprintf("%s at %d rows, %s at %d (%+.0f%%)", mib(small), sizes[0], mib(large), sizes[1], 100*growth),
			goal: "within 20 %, < 64 MiB", met: metIf(growth <= 0.2 && large < 64<<20)})
	} else {
		b.add(figure{target: target, name: "peak memory, jsonl", measured: fmt.Sprintf("%s at %d rows", mib(peak[sizes[0]]), sizes[0]),
			goal: "within 20 % of 100k's, < 64 MiB", met: "skipped (-quick)"})
	}

	// Tables and --jq need every row before they print.
	n := sizes[len(sizes)-1]
	slug, err := b.srv.AddRun("fake/gen", "succeeded", n)
	if err != nil {
		return err
	}
	for _, args := range [][]string{{"-o", "table"}, {"--jq", "length"}} {
		o, err := b.coreclawRun(ctx, false, append([]string{"results", slug}, args...)...)
		if err != nil {
			return err
		}
		b.add(figure{target: target, name: fmt.Sprintf("results %s, %d rows", strings.Join(args, " "), n),
			measured: fmt.Sprintf("peak %s, %.2f s", mib(o.maxRSS), o.wall.Seconds()), goal: "own figure (holds every row)", met: "info"})
	}
	return nil
}

// export is target 5: `coreclaw export` of a 16 MiB file against curl
// doing the same two requests (the export call, then the file), in turn.
func (b *bench) export(ctx context.Context) error {
	const target = "5 export"
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.add(figure{target: target, name: "export vs curl", measured: "curl is not installed", goal: "≥ 0.8× curl", met: "skipped"})
		return nil
	}
	// Size the run so that its JSON export is about 16 MiB.
	probe, err := b.srv.AddRun("fake/gen", "succeeded", 1000)
	if err != nil {
		return err
	}
	_, probeSize, err := b.exportLink(ctx, probe)
	if err != nil {
		return err
	}
	rows := int(int64(16<<20) * 1000 / probeSize)
	slug, err := b.srv.AddRun("fake/gen", "succeeded", rows)
	if err != nil {
		return err
	}
	_, size, err := b.exportLink(ctx, slug) // the fake makes the file once
	if err != nil {
		return err
	}
	headers := filepath.Join(b.tmp, "curl-headers")
	if err := os.WriteFile(headers, []byte("Authorization: Bearer "+b.srv.APIKey()+"\n"), 0o600); err != nil {
		return err
	}
	exportURL := b.srv.URL + "/api/v2/worker-runs/" + slug + "/result/export?format=json"
	var core, viaCurl []time.Duration
	var peak int64
	reps := 7
	if b.quick {
		reps = 3
	}
	for i := 0; i < reps; i++ {
		out := filepath.Join(b.tmp, "export.json")
		os.Remove(out)
		o, err := b.coreclawRun(ctx, true, "export", slug, "--format", "json", "-O", out)
		if err != nil {
			return err
		}
		if st, err := os.Stat(out); err != nil || st.Size() != size {
			return fmt.Errorf("coreclaw export wrote %v bytes, want %d", st, size)
		}
		core = append(core, o.wall)
		peak = max(peak, o.maxRSS)

		start := time.Now()
		reply, err := exec.CommandContext(ctx, curl, "-sS", "-H", "@"+headers, exportURL).Output()
		if err != nil {
			return fmt.Errorf("curl the export call: %v", err)
		}
		var env struct {
			Data struct {
				DownloadURL string `json:"download_url"`
			}
		}
		if err := json.Unmarshal(reply, &env); err != nil || env.Data.DownloadURL == "" {
			return fmt.Errorf("curl the export call: %s", reply)
		}
		curlOut := filepath.Join(b.tmp, "curl.json")
		if err := exec.CommandContext(ctx, curl, "-sS", "-o", curlOut, env.Data.DownloadURL).Run(); err != nil {
			return fmt.Errorf("curl the file: %v", err)
		}
		viaCurl = append(viaCurl, time.Since(start))
	}
	mc, mcurl := median(core), median(viaCurl)
	rate := func(d time.Duration) float64 { return float64(size) / (1 << 20) / d.Seconds() }
	ratio := rate(mc) / rate(mcurl)
	b.add(figure{target: target, name: fmt.Sprintf("export --format json, %s", mib(size)),
		measured: fmt.Sprintf("%.0f MiB/s (%s) vs curl %.0f MiB/s (%s): %.2f×", rate(mc), ms(mc), rate(mcurl), ms(mcurl), ratio),
		goal:     "≥ 0.8× curl", met: metIf(ratio >= 0.8)})
	b.add(figure{target: target, name: "export peak memory", measured: mib(peak), goal: "< 32 MiB", met: metIf(peak < 32<<20)})
	return nil
}

// exportLink asks the fake for a run's JSON export and fetches it once:
// the link and the file's size.
func (b *bench) exportLink(ctx context.Context, slug string) (string, int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.srv.URL+"/api/v2/worker-runs/"+slug+"/result/export?format=json", nil)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Authorization", "Bearer "+b.srv.APIKey())
	resp, err := b.http.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	var env struct {
		Data struct {
			DownloadURL string `json:"download_url"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return "", 0, err
	}
	file, err := b.get(ctx, env.Data.DownloadURL)
	if err != nil {
		return "", 0, err
	}
	defer file.Body.Close()
	n, err := io.Copy(io.Discard, file.Body)
	return env.Data.DownloadURL, n, err
}

// progress is target 7: a long fetch of results shows its progress on
// stderr when stderr is a terminal (run under script(1)), never on a pipe.
func (b *bench) progress(ctx context.Context) error {
	const target = "7 progress"
	rows := 20_000
	slug, err := b.srv.AddRun("fake/gen", "succeeded", rows)
	if err != nil {
		return err
	}
	o, err := b.coreclawRun(ctx, true, "results", slug, "-o", "jsonl")
	if err != nil {
		return err
	}
	pipe := o.stderr.Len()

	script, err := exec.LookPath("script")
	if err != nil {
		b.add(figure{target: target, name: fmt.Sprintf("results of %d rows, stderr on a pipe", rows), measured: fmt.Sprintf("%d bytes on stderr", pipe),
			goal: "nothing", met: metIf(pipe == 0)})
		b.add(figure{target: target, name: "on a terminal", measured: "script(1) is not installed", goal: "rows and rate shown", met: "skipped"})
		return nil
	}
	line := shellQuote(b.coreclaw) + " results " + slug + " -o jsonl >/dev/null"
	cmd := exec.CommandContext(ctx, script, "-qfec", line, os.DevNull)
	cmd.Env = append(b.env(), "TERM=xterm-256color")
	cmd.Dir = b.tmp
	tty, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("script: %v", err)
	}
	updates, last := progressUpdates(tty)
	shown := updates > 0 && strings.Contains(last, "rows")
	b.add(figure{target: target, name: fmt.Sprintf("results of %d rows, stderr on a terminal", rows),
		measured: fmt.Sprintf("%d progress updates; last %q", updates, last), goal: "rows and rate shown", met: metIf(shown)})
	b.add(figure{target: target, name: fmt.Sprintf("results of %d rows, stderr on a pipe", rows), measured: fmt.Sprintf("%d bytes on stderr", pipe),
		goal: "nothing", met: metIf(pipe == 0)})
	return nil
}

// progressUpdates counts the redraws in a terminal's output (carriage
// returns, or lines) and returns the last one's text, escapes removed.
func progressUpdates(tty []byte) (int, string) {
	clean := regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`).ReplaceAll(tty, nil)
	parts := bytes.FieldsFunc(clean, func(r rune) bool { return r == '\r' || r == '\n' })
	last := ""
	n := 0
	for _, p := range parts {
		if s := strings.TrimSpace(string(p)); s != "" {
			n++
			last = s
		}
	}
	if len(last) > 80 {
		last = last[:80]
	}
	return n, last
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// formatting is target 6: the Go benchmarks of internal/output, 100k rows
// in each format, with their allocations.
func (b *bench) formatting(ctx context.Context) error {
	const target = "6 formatting"
	benchtime := "3x"
	if b.quick {
		benchtime = "1x"
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^Benchmark(Rows|ParseRows)", "-benchmem", "-benchtime", benchtime, "./internal/output")
	cmd.Dir = b.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	names := map[string]string{
		"BenchmarkRowsJSON": "-o json", "BenchmarkRowsJSONL": "-o jsonl", "BenchmarkRowsCSV": "-o csv",
		"BenchmarkRowsTable": "-o table", "BenchmarkRowsJSONTerminal": "-o json on a terminal", "BenchmarkParseRows": "reading rows (jsonobj.Parse)",
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 9 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		// name N ns/op-value ns/op ns/row-value ns/row B/op-value B/op allocs-value allocs/op
		nsRow, _ := strconv.ParseFloat(f[4], 64)
		bytesOp, _ := strconv.ParseFloat(f[6], 64)
		allocsOp, _ := strconv.ParseFloat(f[8], 64)
		const rows = 100_000
		allocsRow := allocsOp / rows
		goal, met := "benchmarked; no per-row reflection", "met"
		switch name {
		case "BenchmarkRowsJSON", "BenchmarkRowsJSONL", "BenchmarkRowsJSONTerminal":
			goal, met = "no allocation per row", metIf(allocsRow < 1)
		case "BenchmarkParseRows":
			goal, met = "—", "info"
		}
		b.add(figure{target: target, name: names[name] + ", 100k rows",
			measured: fmt.Sprintf("%.0f ns/row, %.1f allocs/row, %.0f B/row", nsRow, allocsRow, bytesOp/rows), goal: goal, met: met})
	}
	return nil
}

// get fetches url with the bench's client, bound to ctx.
func (b *bench) get(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return b.http.Do(req)
}
