package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/scripttest"
)

// The README's examples are tests. TestREADME runs every ```console and
// ```sh block of README.md against a fresh fake API, as shown:
//
//   - A ```console block is a terminal session: each `$ ` line is typed
//     at a shell whose stdout and stderr are a terminal (a pseudo-terminal,
//     colour off as with NO_COLOR), and what follows it, up to the next
//     `$ ` line, is the screen it leaves: both streams, spinners and
//     progress bars drawn and erased as a terminal does. It must match
//     byte for byte. A command whose output shows an `error:` line must
//     fail; any other must succeed.
//   - A ```sh block runs as one bash script (`bash -e -o pipefail`, not
//     on a terminal) and must exit 0.
//
// An HTML comment just above a block says more about it:
//
//	<!-- example: skip: WHY -->      the block cannot run as shown (the
//	                                 real API, a build, another shell)
//	<!-- example: file NAME -->      the block is the file NAME, which every
//	                                 example finds in its directory
//	<!-- example:
//	fake addrun coreclaw/google-maps-scraper succeeded 250
//	-->                              script lines (internal/scripttest) that
//	                                 set the scene before the block runs
//
// Only the fake's address differs from the real API's, and it is shown as
// https://openapi.coreclaw.com. The fake names its first runs and tasks as
// the README does (readmeRunSlugs, readmeTaskSlugs), and its clock and
// coreclaw's start at 2026-11-30T08:00:00Z, so everything else the
// examples show is what coreclaw prints.
func TestREADME(t *testing.T) {
	skipUnderRace(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("the README's examples need bash")
	}
	if err := ptySupported(); err != nil {
		t.Skipf("the README's console examples need a pseudo-terminal: %v", err)
	}
	blocks, err := readmeBlocks("README.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, scripts, err := readmeScripts(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("README.md has no examples to run")
	}
	var paths []string
	for _, s := range scripts {
		p := filepath.Join(dir, s.name+".txtar")
		if err := os.WriteFile(p, []byte(s.text(files)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	spec := loadSpec(t)
	cmds := scripttest.Commands()
	cmds["term"] = cmdTerm
	testscript.Run(t, testscript.Params{
		Files:               paths,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			return setupScriptWith(env, fakeapi.Options{Spec: spec, Now: tickingClock(),
				RunSlugs: readmeRunSlugs, TaskSlugs: readmeTaskSlugs})
		},
		Cmds: cmds,
	})
}

// readmeRunSlugs and readmeTaskSlugs are the slugs the README shows, in
// the order the fake creates runs and tasks.
var (
	readmeRunSlugs  = []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ", "01KKDXZ8M4Q7Y2H5T9C3V6B1WE", "01KKDY3J7N0P5R8S2T6V9W4X1A"}
	readmeTaskSlugs = []string{"01KX4ZM5DE8Y8GAZQ7R0KYZ3FD", "01KX4ZQ1B7C3D9E5F2G8H4J6K0"}
)

// readmeBlock is one fenced block of the README and the example comment
// above it.
type readmeBlock struct {
	line       int // of the opening fence, from 1
	lang       string
	body       string
	directives []string
	commented  bool // an example comment is above it
}

var exampleComment = regexp.MustCompile(`(?s)<!--\s*example:(.*?)-->\s*$`)

// readmeBlocks reads the fenced blocks of a Markdown file.
func readmeBlocks(path string) ([]readmeBlock, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var (
		blocks []readmeBlock
		cur    *readmeBlock
		body   strings.Builder
		before strings.Builder // the text since the last block
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{line: n, lang: strings.TrimSpace(strings.TrimPrefix(line, "```"))}
			if m := exampleComment.FindStringSubmatch(before.String()); m != nil {
				cur.commented = true
				for _, d := range strings.Split(m[1], "\n") {
					if d = strings.TrimSpace(d); d != "" {
						cur.directives = append(cur.directives, d)
					}
				}
			}
			body.Reset()
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.body = body.String()
			blocks = append(blocks, *cur)
			cur = nil
			before.Reset()
		case cur != nil:
			body.WriteString(line + "\n")
		default:
			before.WriteString(line + "\n")
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: the block is never closed", path, cur.line)
	}
	return blocks, sc.Err()
}

// readmeScript is the test script of one example block.
type readmeScript struct {
	name  string
	lines []string          // script lines
	data  map[string]string // files of the archive
}

// text renders the script as a txtar archive, with the README's files.
func (s readmeScript) text(files map[string]string) string {
	var b strings.Builder
	for _, l := range s.lines {
		b.WriteString(l + "\n")
	}
	for _, m := range []map[string]string{files, s.data} {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(&b, "-- %s --\n%s", name, m[name])
		}
	}
	return b.String()
}

// readmeScripts turns the blocks into the README's files and one script
// per example. A console or sh block must run or say why it cannot; an
// example comment on any other block must name a file.
func readmeScripts(blocks []readmeBlock) (map[string]string, []readmeScript, error) {
	files := map[string]string{}
	var scripts []readmeScript
	for _, b := range blocks {
		var setup []string
		skip, file := "", ""
		for _, d := range b.directives {
			switch {
			case strings.HasPrefix(d, "skip:"):
				skip = strings.TrimSpace(strings.TrimPrefix(d, "skip:"))
				if skip == "" {
					return nil, nil, fmt.Errorf("README.md:%d: say why the example is skipped: <!-- example: skip: WHY -->", b.line)
				}
			case strings.HasPrefix(d, "file "):
				file = strings.TrimSpace(strings.TrimPrefix(d, "file "))
			default:
				setup = append(setup, d)
			}
		}
		example := b.lang == "console" || b.lang == "sh"
		switch {
		case file != "":
			if _, dup := files[file]; dup {
				return nil, nil, fmt.Errorf("README.md:%d: a second file %s", b.line, file)
			}
			files[file] = b.body
			continue
		case skip != "":
			if !example {
				return nil, nil, fmt.Errorf("README.md:%d: only console and sh blocks run, so only they can be skipped", b.line)
			}
			continue
		case !example:
			if b.commented {
				return nil, nil, fmt.Errorf("README.md:%d: an example comment on a %q block, which does not run", b.line, b.lang)
			}
			continue
		}
		s := readmeScript{
			name: fmt.Sprintf("line%04d_%s", b.line, b.lang),
			data: map[string]string{},
		}
		s.lines = append(s.lines,
			fmt.Sprintf("# README.md:%d, a %s block", b.line, b.lang),
			"env CORECLAW_TEST_NOW=2026-11-30T08:00:00Z")
		s.lines = append(s.lines, setup...)
		if b.lang == "sh" {
			s.data[".readme/block.sh"] = b.body
			s.lines = append(s.lines, "exec bash -e -o pipefail .readme/block.sh")
		} else {
			steps, err := consoleSteps(b.body)
			if err != nil {
				return nil, nil, fmt.Errorf("README.md:%d: %v", b.line, err)
			}
			for i, st := range steps {
				s.data[fmt.Sprintf(".readme/cmd%d", i+1)] = st.command + "\n"
				s.data[fmt.Sprintf(".readme/screen%d", i+1)] = st.screen
				s.lines = append(s.lines, fmt.Sprintf("term %d", i+1))
			}
		}
		scripts = append(scripts, s)
	}
	return files, scripts, nil
}

// consoleStep is one command of a console block and the screen it leaves.
type consoleStep struct {
	command string
	screen  string
}

func consoleSteps(body string) ([]consoleStep, error) {
	var steps []consoleStep
	for _, line := range strings.SplitAfter(body, "\n") {
		if line == "" {
			continue
		}
		if cmd, ok := strings.CutPrefix(line, "$ "); ok {
			steps = append(steps, consoleStep{command: strings.TrimSuffix(cmd, "\n")})
			continue
		}
		if len(steps) == 0 {
			return nil, errors.New("a console block must start with a `$ ` command")
		}
		steps[len(steps)-1].screen += line
	}
	return steps, nil
}

// termTimeout bounds one console command.
const termTimeout = time.Minute

// cmdTerm runs console command N (.readme/cmdN) in a shell on a
// pseudo-terminal and compares the screen it leaves with .readme/screenN.
func cmdTerm(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: term N")
	}
	command := strings.TrimSuffix(ts.ReadFile(".readme/cmd"+args[0]), "\n")
	want := ts.ReadFile(".readme/screen" + args[0])

	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "WORK", "CORECLAW_BASE_URL", "CORECLAW_API_KEY",
		"CORECLAW_CONFIG_DIR", "CORECLAW_TEST_NOW", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"} {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, "NO_COLOR=1", "TERM=xterm")
	ctx, cancel := context.WithTimeout(context.Background(), termTimeout)
	defer cancel()
	output, code, err := runOnTerminal(ctx, ts.MkAbs("."), env, command)
	ts.Check(err)
	got := renderScreen(output)
	// The one thing that differs from the real API: the fake's address.
	got = strings.ReplaceAll(got, ts.Getenv("CORECLAW_BASE_URL"), "https://openapi.coreclaw.com")
	ts.Logf("$ %s\n%s[exit %d]", command, got, code)
	if got != want {
		ts.Fatalf("README.md shows another screen for `%s`:\n%s", command, lineDiff(want, got))
	}
	wantFail := regexp.MustCompile(`(?m)^error: `).MatchString(want)
	switch {
	case wantFail && code == 0:
		ts.Fatalf("`%s` shows an error but exited 0", command)
	case !wantFail && code != 0:
		ts.Fatalf("`%s` exited %d", command, code)
	}
}

// runOnTerminal runs command with sh in dir, stdout and stderr on a
// pseudo-terminal, stdin empty, and returns what the terminal received
// and the exit status.
func runOnTerminal(ctx context.Context, dir string, env []string, command string) ([]byte, int, error) {
	master, tty, err := openPTY()
	if err != nil {
		return nil, 0, err
	}
	defer master.Close()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = tty, tty
	if err := cmd.Start(); err != nil {
		tty.Close()
		return nil, 0, err
	}
	// Only the child holds the terminal now: reading ends when it exits.
	tty.Close()
	var out bytes.Buffer
	read := make(chan error, 1)
	go func() {
		_, err := out.ReadFrom(master)
		read <- err
	}()
	err = cmd.Wait()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code, err = exitErr.ExitCode(), nil
	}
	if ctx.Err() != nil {
		return nil, 0, fmt.Errorf("`%s` did not end within %s", command, termTimeout)
	}
	if err != nil {
		return nil, 0, err
	}
	select {
	case rerr := <-read:
		if rerr != nil && !isPTYClosed(rerr) {
			return nil, 0, rerr
		}
	case <-time.After(10 * time.Second):
		return nil, 0, fmt.Errorf("`%s` left a process holding the terminal", command)
	}
	return out.Bytes(), code, nil
}

// renderScreen is what a terminal shows after receiving out: carriage
// returns, line erasing and cursor moves up (spinners, progress bars)
// applied; other escape sequences (cursor visibility) ignored. Trailing
// spaces and empty lines at the end are dropped.
func renderScreen(out []byte) string {
	screen := [][]rune{{}}
	row, col := 0, 0
	put := func(r rune) {
		line := screen[row]
		for len(line) < col {
			line = append(line, ' ')
		}
		if col < len(line) {
			line[col] = r
		} else {
			line = append(line, r)
		}
		screen[row] = line
		col++
	}
	text := []rune(string(out))
	for i := 0; i < len(text); i++ {
		switch r := text[i]; {
		case r == '\r':
			col = 0
		case r == '\n':
			row, col = row+1, 0
			if row == len(screen) {
				screen = append(screen, []rune{})
			}
		case r == 0x1b && i+1 < len(text) && text[i+1] == '[':
			j := i + 2
			for j < len(text) && (text[j] < 0x40 || text[j] > 0x7e) {
				j++
			}
			if j == len(text) {
				i = j
				break
			}
			params, final := string(text[i+2:j]), text[j]
			n, _ := strconv.Atoi(params)
			switch final {
			case 'K':
				switch params {
				case "", "0":
					if col < len(screen[row]) {
						screen[row] = screen[row][:col]
					}
				case "2":
					screen[row] = nil
				}
			case 'F', 'A':
				row = max(0, row-max(n, 1))
				if final == 'F' {
					col = 0
				}
			}
			i = j
		case r == 0x1b:
			i++ // a two-byte escape
		case r < 0x20:
			// other controls move nothing on the screen we check
		default:
			put(r)
		}
	}
	var b strings.Builder
	lines := make([]string, len(screen))
	for i, l := range screen {
		lines[i] = strings.TrimRight(string(l), " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// lineDiff marks the lines where got differs from want.
func lineDiff(want, got string) string {
	w := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	g := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	var b strings.Builder
	b.WriteString("README.md:\n")
	for i, l := range w {
		mark := "  "
		if i >= len(g) || g[i] != l {
			mark = "! "
		}
		b.WriteString(mark + l + "\n")
	}
	b.WriteString("the terminal:\n")
	for i, l := range g {
		mark := "  "
		if i >= len(w) || w[i] != l {
			mark = "! "
		}
		b.WriteString(mark + l + "\n")
	}
	return b.String()
}

func TestRenderScreen(t *testing.T) {
	tests := []struct{ name, out, want string }{
		{"lines", "a\r\nb\r\n", "a\nb\n"},
		{"a spinner drawn and erased", "\x1b[?25l\r⠋ run R  ready\r⠙ run R  running\r\x1b[K\x1b[?25hdone\r\n", "done\n"},
		{"an erased line of several", "one\r\ntwo\r\n\x1b[F\x1b[Kthree\r\n", "one\nthree\n"},
		{"overwritten in place, the rest kept", "abcdef\rxy\r\n", "xycdef\n"},
		{"colour and trailing spaces dropped", "\x1b[32m✓\x1b[0m ok   \r\n\r\n\r\n", "✓ ok\n"},
	}
	for _, tt := range tests {
		if got := renderScreen([]byte(tt.out)); got != tt.want {
			t.Errorf("%s: renderScreen(%q) = %q, want %q", tt.name, tt.out, got, tt.want)
		}
	}
}

// The rules that keep the exceptions few and visible.
func TestReadmeScriptRules(t *testing.T) {
	tests := []struct {
		name   string
		blocks []readmeBlock
		err    string
	}{
		{"a skip needs a reason", []readmeBlock{{line: 3, lang: "sh", commented: true, directives: []string{"skip:"}}},
			"README.md:3: say why the example is skipped"},
		{"a comment on a block that does not run", []readmeBlock{{line: 5, lang: "yaml", commented: true, directives: []string{"fake set statuses=int"}}},
			`README.md:5: an example comment on a "yaml" block, which does not run`},
		{"a console block starts with a command", []readmeBlock{{line: 7, lang: "console", body: "output\n"}},
			"README.md:7: a console block must start with a `$ ` command"},
		{"one file of a name", []readmeBlock{{line: 1, lang: "json", body: "{}\n", commented: true, directives: []string{"file a.json"}},
			{line: 9, lang: "json", body: "[]\n", commented: true, directives: []string{"file a.json"}}},
			"README.md:9: a second file a.json"},
	}
	for _, tt := range tests {
		_, _, err := readmeScripts(tt.blocks)
		if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.err)
		}
	}
	files, scripts, err := readmeScripts([]readmeBlock{
		{line: 1, lang: "json", body: "{}\n", commented: true, directives: []string{"file input.json"}},
		{line: 4, lang: "console", body: "$ coreclaw account\nbalance: 1\n", commented: true, directives: []string{"fake set statuses=int"}},
		{line: 9, lang: "sh", commented: true, directives: []string{"skip: the network"}},
		{line: 12, lang: "yaml", body: "a: b\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) != 1 {
		t.Fatalf("%d scripts, want 1 (the console block)", len(scripts))
	}
	want := "# README.md:4, a console block\nenv CORECLAW_TEST_NOW=2026-11-30T08:00:00Z\nfake set statuses=int\nterm 1\n" +
		"-- input.json --\n{}\n-- .readme/cmd1 --\ncoreclaw account\n-- .readme/screen1 --\nbalance: 1\n"
	if got := scripts[0].text(files); got != want {
		t.Errorf("script:\n%s\nwant:\n%s", got, want)
	}
}
