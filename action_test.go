package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// action is the part of action.yml that the runner reads.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

func loadAction(t *testing.T) *action {
	t.Helper()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

// TestAction runs action.yml as the runner would, against releases
// served from this machine: the install step downloads the archive for
// the runner's platform and checksums.txt over loopback, the run step runs
// what it installed (this test binary, which is coreclaw) against a fake
// API, and the action's outputs are read back through its outputs: map.
func TestAction(t *testing.T) {
	skipUnderRace(t)
	for _, tool := range []string{"bash", "curl", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the action's scripts need %s", tool)
		}
	}
	a := loadAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using is %q, want composite", a.Runs.Using)
	}
	if got := a.Inputs["version"].Default; got != "latest" {
		t.Errorf("the version input defaults to %q, want latest", got)
	}
	for _, s := range a.Runs.Steps {
		// Expressions in a script are pasted in before bash reads it: a
		// way in for script injection. Inputs go through env.
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %s: an expression in its run: script; pass it through env", s.ID)
		}
		if s.Shell != "bash" {
			t.Errorf("step %s: shell %q, want bash (on every runner OS)", s.ID, s.Shell)
		}
	}

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	coreclaw, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	releases := t.TempDir()
	// v1.4.0, the latest: coreclaw itself for linux/amd64, a stand-in for
	// darwin/arm64. v1.5.0-rc.1: an archive that checksums.txt does not
	// vouch for. v1.3.0: no archive for linux/arm64.
	writeRelease(t, releases, "v1.4.0", map[string][]byte{"linux_amd64": coreclaw, "darwin_arm64": []byte("#!/bin/sh\necho darwin\n")}, nil)
	writeRelease(t, releases, "v1.5.0-rc.1", map[string][]byte{"linux_amd64": []byte("#!/bin/sh\necho tampered\n")},
		map[string]string{"linux_amd64": strings.Repeat("0", 64)})
	writeRelease(t, releases, "v1.3.0", map[string][]byte{"linux_amd64": []byte("#!/bin/sh\n")}, nil)
	mirror := releaseMirror(t, releases, "v1.4.0")

	spec := loadSpec(t)
	fake, err := fakeapi.Start(fakeapi.Options{Spec: spec, Now: tickingClock()})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	workflowEnv := map[string]string{"CORECLAW_API_KEY": fake.APIKey(), "CORECLAW_BASE_URL": fake.URL}

	t.Run("install and run, pinned", func(t *testing.T) {
		r := runAction(t, a, map[string]string{
			"version":     "v1.4.0",
			"release-url": mirror + "/coreclaw/coreclaw/releases/",
			"args":        `run coreclaw/google-maps-scraper -p keywords=tea -p 'base_location=New York, USA' --wait -o csv > places.csv`,
		}, workflowEnv, "Linux", "X64")
		if r.err != nil {
			t.Fatalf("the action failed: %v\n%s", r.err, r.log)
		}
		wantOutputs := map[string]string{"run_slug": "01KFAKER000000000000000001", "status": "succeeded", "results": "3", "usage": "0.0130", "version": "v1.4.0"}
		if !maps.Equal(r.outputs, wantOutputs) {
			t.Errorf("outputs %v, want %v", r.outputs, wantOutputs)
		}
		rows, _ := os.ReadFile(filepath.Join(r.workspace, "places.csv"))
		if !bytes.HasPrefix(rows, []byte("title,address,rating,reviews_count,phone,website\nCoffee Spot 1,")) || bytes.Count(rows, []byte("\n")) != 4 {
			t.Errorf("places.csv (the redirection in args):\n%s", rows)
		}
		// The quotes in args hold a value with a space and a comma together.
		var start string
		for _, req := range fake.Requests() {
			if req.Method == "POST" {
				start = req.Body
			}
		}
		if !strings.Contains(start, `"custom":{"keywords":["tea"],"base_location":"New York, USA"}`) {
			t.Errorf("the start sent %s", start)
		}
		if !strings.Contains(r.log, "installed coreclaw v1.4.0 for linux/amd64 (coreclaw_1.4.0_linux_amd64.tar.gz, sha256 checked against checksums.txt)\n") {
			t.Errorf("the log does not say what was installed:\n%s", r.log)
		}
		if !strings.Contains(r.summary, "### ✓ Run 01KFAKER000000000000000001 succeeded\n") {
			t.Errorf("step summary:\n%s", r.summary)
		}
		// A later step finds coreclaw on PATH.
		out, err := r.later("coreclaw version")
		if err != nil || !strings.HasPrefix(out, "coreclaw 1.2.3") {
			t.Errorf("coreclaw on PATH in a later step: %q, %v", out, err)
		}
		if strings.Contains(r.log, fake.APIKey()) {
			t.Error("the key is in the log")
		}
	})

	t.Run("latest, install only", func(t *testing.T) {
		r := runAction(t, a, map[string]string{"release-url": mirror + "/coreclaw/coreclaw/releases"}, workflowEnv, "macOS", "ARM64")
		if r.err != nil {
			t.Fatalf("the action failed: %v\n%s", r.err, r.log)
		}
		if !slices.Equal(r.ran, []string{"install"}) {
			t.Errorf("steps run: %v; without args only install runs", r.ran)
		}
		if r.outputs["version"] != "v1.4.0" || r.outputs["run_slug"] != "" {
			t.Errorf("outputs %v", r.outputs)
		}
		out, err := r.later("coreclaw")
		if err != nil || out != "darwin\n" {
			t.Errorf("the darwin/arm64 binary from PATH: %q, %v", out, err)
		}
	})

	failures := []struct {
		name, version, os, arch, log string
	}{
		{"an archive that does not match checksums.txt", "v1.5.0-rc.1", "Linux", "X64",
			"::error::coreclaw action: coreclaw_1.5.0-rc.1_linux_amd64.tar.gz does not match checksums.txt (sha256 "},
		{"no archive for the platform", "1.3.0", "Linux", "ARM64",
			"::error::coreclaw action: checksums.txt of 1.3.0 lists no coreclaw archive for linux/arm64\n"},
		{"no such release", "v9.9.9", "Linux", "X64",
			"::error::coreclaw action: cannot download " + mirror + "/coreclaw/coreclaw/releases/download/v9.9.9/checksums.txt (is \"v9.9.9\" a release?)\n"},
		{"a runner without releases", "v1.4.0", "Linux", "ARM",
			"::error::coreclaw action: no coreclaw release for the runner's architecture \"ARM\" (there are for X64 and ARM64)\n"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			fake.ResetRequests()
			r := runAction(t, a, map[string]string{"version": tt.version, "release-url": mirror + "/coreclaw/coreclaw/releases", "args": "run fake/succeeds --wait"},
				workflowEnv, tt.os, tt.arch)
			if r.err == nil {
				t.Fatalf("the action succeeded:\n%s", r.log)
			}
			if !strings.Contains(r.log, tt.log) {
				t.Errorf("log:\n%s\nwant it to hold %q", r.log, tt.log)
			}
			if !slices.Equal(r.ran, []string{"install"}) || len(r.outputs["version"]) > 0 || r.path != "" {
				t.Errorf("steps run %v, outputs %v, GITHUB_PATH %q: want nothing installed, nothing run", r.ran, r.outputs, r.path)
			}
			if n := len(fake.Requests()); n != 0 {
				t.Errorf("the fake API got %d requests", n)
			}
			if left, _ := filepath.Glob(filepath.Join(r.temp, "coreclaw-*", "coreclaw*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// writeRelease writes a release as goreleaser names it into
// dir/TAG/: an archive per platform holding the binary, and checksums.txt;
// badSums replaces the sum of some platforms.
func writeRelease(t *testing.T, dir, tag string, binaries map[string][]byte, badSums map[string]string) {
	t.Helper()
	rel := filepath.Join(dir, tag)
	if err := os.MkdirAll(rel, 0o755); err != nil {
		t.Fatal(err)
	}
	var sums strings.Builder
	for _, platform := range slices.Sorted(maps.Keys(binaries)) {
		name := fmt.Sprintf("coreclaw_%s_%s.tar.gz", strings.TrimPrefix(tag, "v"), platform)
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		tw := tar.NewWriter(zw)
		for _, f := range []struct {
			name string
			body []byte
			mode int64
		}{{"coreclaw", binaries[platform], 0o755}, {"README.md", []byte("# coreclaw\n"), 0o644}} {
			if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			tw.Write(f.body)
		}
		tw.Close()
		zw.Close()
		if err := os.WriteFile(filepath.Join(rel, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		hexSum := hex.EncodeToString(sum[:])
		if bad, ok := badSums[platform]; ok {
			hexSum = bad
		}
		fmt.Fprintf(&sums, "%s  %s\n", hexSum, name)
	}
	if err := os.WriteFile(filepath.Join(rel, "checksums.txt"), []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// releaseMirror serves dir as GitHub serves a repository's releases, on
// loopback: .../releases/download/TAG/FILE, and .../releases/latest/download/FILE
// redirecting to the latest tag's.
func releaseMirror(t *testing.T, dir, latest string) string {
	t.Helper()
	const prefix = "/coreclaw/coreclaw/releases/"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if file, ok := strings.CutPrefix(rest, "latest/download/"); ok {
			http.Redirect(w, r, prefix+"download/"+latest+"/"+file, http.StatusFound)
			return
		}
		tagFile, ok := strings.CutPrefix(rest, "download/")
		if !ok || strings.Contains(tagFile, "..") {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, filepath.Join(dir, filepath.FromSlash(tagFile)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// actionResult is what a run of the action left.
type actionResult struct {
	err        error
	ran        []string          // the ids of the steps that ran
	outputs    map[string]string // the action's outputs
	log        string            // the steps' stdout and stderr
	summary    string
	workspace  string
	temp       string
	path       string // what the steps added to GITHUB_PATH
	env        []string
	pathBefore string
}

// later runs a command in a later step of the job: PATH has what the
// action added to GITHUB_PATH.
func (r *actionResult) later(command string) (string, error) {
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command)
	cmd.Dir = r.workspace
	cmd.Env = append(slices.Clone(r.env), "PATH="+strings.Join(append(strings.Fields(r.path), r.pathBefore), string(os.PathListSeparator)))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runAction runs the action's steps as the runner does: each step's env
// with its expressions evaluated, its script run by bash, its outputs read
// from its own GITHUB_OUTPUT, and a failing step ending the job.
func runAction(t *testing.T, a *action, with, workflowEnv map[string]string, runnerOS, runnerArch string) *actionResult {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	r := &actionResult{workspace: filepath.Join(tmp, "workspace"), temp: filepath.Join(tmp, "runner-temp"), pathBefore: os.Getenv("PATH")}
	for _, d := range []string{r.workspace, r.temp, filepath.Join(tmp, "home")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inputs := map[string]string{}
	for name, in := range a.Inputs {
		inputs[name] = in.Default
	}
	for name, v := range with {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		inputs[name] = v
	}
	githubPath := filepath.Join(tmp, "github_path")
	summary := filepath.Join(tmp, "step_summary")
	r.env = []string{
		"HOME=" + filepath.Join(tmp, "home"),
		"CORECLAW_CONFIG_DIR=" + filepath.Join(tmp, "home", "coreclaw"),
		"GITHUB_ACTIONS=true",
		"GITHUB_ACTION_PATH=" + root,
		"GITHUB_WORKSPACE=" + r.workspace,
		"GITHUB_PATH=" + githubPath,
		"GITHUB_STEP_SUMMARY=" + summary,
		"RUNNER_TEMP=" + r.temp,
	}
	for k, v := range workflowEnv {
		r.env = append(r.env, k+"="+v)
	}
	stepOutputs := map[string]map[string]string{}
	eval := func(expr string) string {
		switch {
		case strings.HasPrefix(expr, "inputs."):
			v, ok := inputs[strings.TrimPrefix(expr, "inputs.")]
			if !ok {
				t.Fatalf("action.yml: ${{ %s }}: no such input", expr)
			}
			return v
		case expr == "runner.os":
			return runnerOS
		case expr == "runner.arch":
			return runnerArch
		case strings.HasPrefix(expr, "steps."):
			parts := strings.Split(expr, ".")
			if len(parts) != 4 || parts[2] != "outputs" {
				t.Fatalf("action.yml: ${{ %s }}: not understood", expr)
			}
			return stepOutputs[parts[1]][parts[3]]
		}
		t.Fatalf("action.yml: ${{ %s }}: this test does not know that expression", expr)
		return ""
	}
	var log strings.Builder
	for _, s := range a.Runs.Steps {
		switch s.If {
		case "":
		case "inputs.args != ''":
			if inputs["args"] == "" {
				continue
			}
		default:
			t.Fatalf("step %s: this test does not know the condition %q", s.ID, s.If)
		}
		r.ran = append(r.ran, s.ID)
		outFile := filepath.Join(tmp, "output_"+s.ID)
		env := append(slices.Clone(r.env), "GITHUB_OUTPUT="+outFile,
			"PATH="+strings.Join(append(readLines(githubPath), r.pathBefore), string(os.PathListSeparator)))
		for k, v := range s.Env {
			env = append(env, k+"="+expression.ReplaceAllStringFunc(v, func(m string) string {
				return eval(expression.FindStringSubmatch(m)[1])
			}))
		}
		script := filepath.Join(tmp, "step_"+s.ID+".sh")
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir, cmd.Env = r.workspace, env
		cmd.Stdout, cmd.Stderr = &log, &log
		err := cmd.Run()
		stepOutputs[s.ID] = readOutputs(t, outFile)
		if err != nil {
			r.err = fmt.Errorf("step %s: %w", s.ID, err)
			break
		}
	}
	r.log = log.String()
	r.outputs = map[string]string{}
	for name, o := range a.Outputs {
		r.outputs[name] = expression.ReplaceAllStringFunc(o.Value, func(m string) string {
			return eval(expression.FindStringSubmatch(m)[1])
		})
	}
	sum, _ := os.ReadFile(summary)
	r.summary = string(sum)
	r.path = strings.Join(readLines(githubPath), " ")
	return r
}

func readLines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return strings.Fields(string(data))
}

// readOutputs reads a GITHUB_OUTPUT file: name=value lines and
// name<<DELIMITER blocks.
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var value []string
			for sc.Scan() && sc.Text() != delim {
				value = append(value, sc.Text())
			}
			out[name] = strings.Join(value, "\n")
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: a line that is no output: %q", path, line)
		}
		out[name] = value
	}
	return out
}

// The README's workflow uses the action as action.yml defines it: its
// with: keys are inputs, and the outputs it reads are outputs.
func TestREADMEWorkflowMatchesAction(t *testing.T) {
	a := loadAction(t)
	blocks, err := readmeBlocks("README.md")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, b := range blocks {
		if b.lang != "yaml" || !strings.Contains(b.body, "uses: coreclaw/coreclaw@") {
			continue
		}
		var workflow struct {
			Jobs map[string]struct {
				Steps []struct {
					ID   string            `yaml:"id"`
					Uses string            `yaml:"uses"`
					With map[string]string `yaml:"with"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal([]byte(b.body), &workflow); err != nil {
			t.Fatalf("README.md:%d: %v", b.line, err)
		}
		for _, job := range workflow.Jobs {
			for _, s := range job.Steps {
				if !strings.HasPrefix(s.Uses, "coreclaw/coreclaw@") {
					continue
				}
				found++
				for k := range s.With {
					if _, ok := a.Inputs[k]; !ok {
						t.Errorf("README.md:%d: with: %s, which action.yml does not take", b.line, k)
					}
				}
				if s.ID == "" {
					continue
				}
				refs := regexp.MustCompile(`steps\.`+regexp.QuoteMeta(s.ID)+`\.outputs\.([a-z_]+)`).FindAllStringSubmatch(b.body, -1)
				for _, ref := range refs {
					if _, ok := a.Outputs[ref[1]]; !ok {
						t.Errorf("README.md:%d: reads the output %s, which action.yml does not give", b.line, ref[1])
					}
				}
			}
		}
	}
	if found == 0 {
		t.Error("README.md has no workflow that uses the action")
	}
}
