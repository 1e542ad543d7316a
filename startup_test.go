package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every coreclaw command pays for each imported package's init, so ours
// do nothing there: no regexp compiled, no table built at package level.
// Allocations, unlike times, are the same on every run: a regexp alone
// allocates several KiB; a few sentinel errors stay under 1 KiB.
func TestOwnPackagesDoNoInitWork(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary is coreclaw when it is called by that name (TestMain).
	dir := t.TempDir()
	link := filepath.Join(dir, "coreclaw")
	if err := os.Symlink(exe, link); err != nil {
		t.Skip("cannot make a symlink:", err)
	}
	cmd := exec.Command(link, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "CORECLAW_CONFIG_DIR="+dir, "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("coreclaw --version: %v\n%s", err, stderr.String())
	}
	seen := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @T ms, D ms clock, B bytes, N allocs
		f := strings.Fields(sc.Text())
		if len(f) < 9 || f[0] != "init" || !strings.HasPrefix(f[1], "github.com/coreclaw/coreclaw/") {
			continue
		}
		seen++
		bytesAllocated, err := strconv.Atoi(f[7])
		if err != nil || f[8] != "bytes," {
			t.Fatalf("unexpected inittrace line %q", sc.Text())
		}
		if bytesAllocated >= 1024 {
			t.Errorf("%s allocates %d bytes at init; compile or build it on first use instead", f[1], bytesAllocated)
		}
	}
	if seen == 0 {
		t.Log("no package of ours has an init at all")
	}
}

// The JSON Schema library coreclaw used to import compiled every draft's
// meta-schema at init (3.6 ms and 1.7 MB on every start, --version
// included); the input check has its own validator now. Only the fake API
// (tests, fakeclaw) may import it, through kin-openapi.
func TestNoHeavyInitDependencies(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, heavy := range []string{"github.com/santhosh-tekuri/jsonschema", "golang.org/x/text/message", "golang.org/x/text/language"} {
			if strings.HasPrefix(pkg, heavy) {
				t.Errorf("coreclaw imports %s, whose init runs on every start", pkg)
			}
		}
	}
}
