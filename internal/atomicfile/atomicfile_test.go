package atomicfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestWriteFileReplacesWholeAndLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "slug")
	if err := os.WriteFile(dest, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dest, []byte("new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(dest)
	if string(got) != "new\n" {
		t.Fatalf("content %q", got)
	}
	if names := entries(t, dir); len(names) != 1 || names[0] != "slug" {
		t.Fatalf("directory holds %v", names)
	}
	if runtime.GOOS != "windows" {
		info, _ := os.Stat(dest)
		if info.Mode().Perm() != 0o600 {
			t.Fatalf("mode %04o, want 0600", info.Mode().Perm())
		}
	}
}

func TestAbortLeavesDestinationUntouched(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.csv")
	os.WriteFile(dest, []byte("keep"), 0o644)
	f, err := Create(dest, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half a fi"))
	f.Abort()
	f.Abort() // idempotent
	got, _ := os.ReadFile(dest)
	if string(got) != "keep" {
		t.Fatalf("destination changed to %q", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v", names)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("Commit after Abort succeeded")
	}
}

func TestPermissionsNeverWiderThanAsked(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	dest := filepath.Join(t.TempDir(), "f")
	if err := WriteFile(dest, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(dest)
	if info.Mode().Perm()&^0o640 != 0 {
		t.Fatalf("mode %04o is wider than 0640", info.Mode().Perm())
	}
}

func TestCreateInMissingDirectoryFails(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "no", "such", "f"), 0o600); err == nil {
		t.Fatal("expected an error")
	}
}

// Writes, io.Copy's included, start the writeback of every writeBehind
// (4 MiB) bytes as they come, each range once and in order (of 11 MiB:
// the first 4, then the next 4; Commit flushes the rest); the file is
// whole after Commit.
func TestWriteBehind(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "export.json")
	f, err := Create(dest, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var started []string
	f.writeback = func(off, n int64) { started = append(started, fmt.Sprintf("%d+%d", off, n)) }

	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 5; i++ { // 5 MiB by Write
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	// 6 MiB more through io.Copy, from a reader io.Copy cannot see into.
	n, err := io.Copy(f, io.LimitReader(repeatReader('y'), 6<<20))
	if err != nil || n != 6<<20 {
		t.Fatalf("io.Copy: %d bytes, %v", n, err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	mib := int64(1 << 20)
	if got, want := fmt.Sprint(started), fmt.Sprint([]string{fmt.Sprintf("0+%d", 4*mib), fmt.Sprintf("%d+%d", 4*mib, 4*mib)}); got != want {
		t.Errorf("writeback started for %s, want %s", got, want)
	}
	got, err := os.ReadFile(dest)
	if err != nil || len(got) != 11<<20 || got[5<<20-1] != 'x' || got[5<<20] != 'y' || got[len(got)-1] != 'y' {
		t.Fatalf("file of %d bytes (%v)", len(got), err)
	}
}

// The real writeback start takes any range of a file without harm.
func TestStartWriteback(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write(bytes.Repeat([]byte("z"), 8192))
	startWriteback(f, 0, 8192)
	startWriteback(f, 4096, 1<<30) // past the end
	if b, err := os.ReadFile(f.Name()); err != nil || len(b) != 8192 {
		t.Errorf("file after writeback: %d bytes, %v", len(b), err)
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}
