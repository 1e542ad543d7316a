package atomicfile

import (
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
