package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const repo = "../../.."

var testMeta = metadata{ProjectName: "coreclaw", Version: "1.4.0", Commit: "0b77ee0a1b2c3d4e5f60718293a4b5c6d7e8f901"}

// fakeBinary stands for a real build: the tests of check stub the binary
// check, which TestCheckBinary covers on a real binary.
var fakeBinary = []byte("\x7fELF not really")

func stubBinaryCheck(data []byte, goos, goarch string, meta metadata) error {
	if !bytes.Equal(data, fakeBinary) {
		return fmt.Errorf("not the binary for %s/%s", goos, goarch)
	}
	return nil
}

type archiveFile struct {
	name string
	data []byte
	mode int64
}

// archiveFiles is what a good archive holds.
func archiveFiles(t *testing.T, binary string) []archiveFile {
	t.Helper()
	files, err := shippedFiles(repo)
	if err != nil {
		t.Fatal(err)
	}
	out := []archiveFile{{binary, fakeBinary, 0o755}}
	for _, f := range files {
		out = append(out, archiveFile{f.name, f.data, 0o644})
	}
	return out
}

func writeArchive(t *testing.T, path string, files []archiveFile) {
	t.Helper()
	var b bytes.Buffer
	if strings.HasSuffix(path, ".zip") {
		zw := zip.NewWriter(&b)
		for _, f := range files {
			w, err := zw.Create(f.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(f.data)
		}
		zw.Close()
	} else {
		gz := gzip.NewWriter(&b)
		tw := tar.NewWriter(gz)
		for _, f := range files {
			tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg})
			tw.Write(f.data)
		}
		tw.Close()
		gz.Close()
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goodDist writes what a correct release leaves in dist/; spoil changes
// an archive's files (by platform, "linux_amd64") before it is written.
func goodDist(t *testing.T, spoil map[string]func([]archiveFile) []archiveFile) string {
	t.Helper()
	dist := t.TempDir()
	os.WriteFile(filepath.Join(dist, "metadata.json"),
		[]byte(`{"project_name":"coreclaw","tag":"v1.4.0","version":"1.4.0","commit":"`+testMeta.Commit+`","date":"2026-12-01T00:00:00Z"}`), 0o644)
	var sums strings.Builder
	for _, p := range platforms {
		name, binary := "coreclaw_1.4.0_"+p.goos+"_"+p.goarch+".tar.gz", "coreclaw"
		if p.goos == "windows" {
			name, binary = strings.TrimSuffix(name, ".tar.gz")+".zip", "coreclaw.exe"
		}
		files := archiveFiles(t, binary)
		if f := spoil[p.goos+"_"+p.goarch]; f != nil {
			files = f(files)
		}
		writeArchive(t, filepath.Join(dist, name), files)
		data, _ := os.ReadFile(filepath.Join(dist, name))
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(data), name)
	}
	os.WriteFile(filepath.Join(dist, "checksums.txt"), []byte(sums.String()), 0o644)
	return dist
}

func TestCheckGoodRelease(t *testing.T) {
	report, err := check(goodDist(t, nil), repo, stubBinaryCheck)
	if err != nil {
		t.Fatal(err)
	}
	shipped, _ := shippedFiles(repo)
	want := ""
	for _, p := range []string{"linux_amd64.tar.gz", "linux_arm64.tar.gz", "darwin_amd64.tar.gz", "darwin_arm64.tar.gz"} {
		want += fmt.Sprintf("ok coreclaw_1.4.0_%s: coreclaw for %s and %d files (README.md, LICENSE, completions/, man/)\n",
			p, strings.Replace(strings.TrimSuffix(p, ".tar.gz"), "_", "/", 1), len(shipped))
	}
	for _, arch := range []string{"amd64", "arm64"} {
		want += fmt.Sprintf("ok coreclaw_1.4.0_windows_%s.zip: coreclaw.exe for windows/%s and %d files (README.md, LICENSE, completions/, man/)\n", arch, arch, len(shipped))
	}
	want += "ok checksums.txt: 6 archives\n"
	if report != want {
		t.Errorf("report:\n%s\nwant:\n%s", report, want)
	}
	if len(shipped) < 4+2+40 { // 4 completions, README and LICENSE, a page per command
		t.Errorf("only %d files to ship", len(shipped))
	}
}

func without(name string) func([]archiveFile) []archiveFile {
	return func(files []archiveFile) []archiveFile {
		var out []archiveFile
		for _, f := range files {
			if f.name != name {
				out = append(out, f)
			}
		}
		return out
	}
}

func TestCheckBadReleases(t *testing.T) {
	tests := []struct {
		name  string
		spoil map[string]func([]archiveFile) []archiveFile
		edit  func(dist string)
		want  string
	}{
		{"a man page missing", map[string]func([]archiveFile) []archiveFile{"darwin_arm64": without("man/coreclaw-run.1")}, nil,
			"coreclaw_1.4.0_darwin_arm64.tar.gz: no man/coreclaw-run.1"},
		{"no completions", map[string]func([]archiveFile) []archiveFile{"windows_amd64": without("completions/coreclaw.ps1")}, nil,
			"coreclaw_1.4.0_windows_amd64.zip: no completions/coreclaw.ps1"},
		{"no binary", map[string]func([]archiveFile) []archiveFile{"linux_arm64": without("coreclaw")}, nil,
			"coreclaw_1.4.0_linux_arm64.tar.gz: no coreclaw"},
		{"binary not executable", map[string]func([]archiveFile) []archiveFile{"linux_amd64": func(f []archiveFile) []archiveFile {
			f[0].mode = 0o644
			return f
		}}, nil, "coreclaw_1.4.0_linux_amd64.tar.gz: coreclaw is not executable (mode 644)"},
		{"wrong binary", map[string]func([]archiveFile) []archiveFile{"darwin_amd64": func(f []archiveFile) []archiveFile {
			f[0].data = []byte("other")
			return f
		}}, nil, "coreclaw_1.4.0_darwin_amd64.tar.gz: coreclaw: not the binary for darwin/amd64"},
		{"stale README", map[string]func([]archiveFile) []archiveFile{"linux_amd64": func(f []archiveFile) []archiveFile {
			f[1].data = []byte("# old")
			return f
		}}, nil, "coreclaw_1.4.0_linux_amd64.tar.gz: README.md differs from the repository's"},
		{"an extra file", map[string]func([]archiveFile) []archiveFile{"linux_amd64": func(f []archiveFile) []archiveFile {
			return append(f, archiveFile{"secrets.env", []byte("x"), 0o644})
		}}, nil, "coreclaw_1.4.0_linux_amd64.tar.gz: unexpected secrets.env"},
		{"an archive missing", nil, func(dist string) { os.Remove(filepath.Join(dist, "coreclaw_1.4.0_windows_arm64.zip")) },
			"coreclaw_1.4.0_windows_arm64.zip: open "},
		{"a wrong checksum", nil, func(dist string) {
			b, _ := os.ReadFile(filepath.Join(dist, "checksums.txt"))
			os.WriteFile(filepath.Join(dist, "checksums.txt"), append([]byte(strings.Repeat("0", 64)+"  coreclaw_1.4.0_linux_amd64.tar.gz\n"), b[strings.Index(string(b), "\n")+1:]...), 0o644)
		}, "coreclaw_1.4.0_linux_amd64.tar.gz: checksums.txt says \"" + strings.Repeat("0", 64) + "\", the file's SHA-256 is "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dist := goodDist(t, tt.spoil)
			if tt.edit != nil {
				tt.edit(dist)
			}
			_, err := check(dist, repo, stubBinaryCheck)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v\nwant one containing %q", err, tt.want)
			}
		})
	}
}

// checkBinary reads a real binary's build information: this test's own,
// built for this machine, with cgo as go test has it and no stamp.
func TestCheckBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	// Made at run time: as literals they would be in this binary.
	meta := metadata{Version: strings.Repeat("7", 5) + ".3.1-check", Commit: strings.Repeat("c0ffee", 6) + "abcd"}
	other := "windows"
	if runtime.GOOS == "windows" {
		other = "linux"
	}
	err = checkBinary(data, other, runtime.GOARCH, meta)
	if err == nil || !strings.Contains(err.Error(), "built for "+runtime.GOOS+"/"+runtime.GOARCH) ||
		!strings.Contains(err.Error(), fmt.Sprintf("%q is not stamped in", meta.Version)) {
		t.Errorf("err %v", err)
	}
	err = checkBinary(data, runtime.GOOS, runtime.GOARCH, meta)
	if err == nil || strings.Contains(err.Error(), "built for") || !strings.Contains(err.Error(), "is not stamped in") {
		t.Errorf("err %v: the platform is right, the stamp is missing", err)
	}
	if err := checkBinary([]byte("not a binary"), "linux", "amd64", meta); err == nil || !strings.Contains(err.Error(), "no Go build information") {
		t.Errorf("err %v", err)
	}
}

func TestCheckVersionLine(t *testing.T) {
	meta := metadata{Version: "0.0.0-SNAPSHOT-abc1234", Commit: "0b77ee0a1b2c3d4e5f60718293a4b5c6d7e8f901"}
	good := "coreclaw 0.0.0-SNAPSHOT-abc1234 (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)\n"
	if err := checkVersionLine(good, meta); err != nil {
		t.Errorf("good line: %v", err)
	}
	for _, bad := range []string{
		"coreclaw dev (commit unknown, built unknown)\n",
		"coreclaw 0.0.0-SNAPSHOT-abc1234 (commit none, built 2026-12-01T00:36:00Z)\n",
		"coreclaw 0.0.0-SNAPSHOT-abc1234 (commit 0b77ee0a1b2c, built 0001-01-01T00:00:00Z)\n",
		"coreclaw 0.0.0-SNAPSHOT-abc1234 (commit 0b77ee0a1b2c, built unknown)\n",
		"coreclaw 0.0.0-SNAPSHOT-abc1234 (commit 0b77ee0a1b2c, built 2026-12-01T00:36:00Z)",
	} {
		if err := checkVersionLine(bad, meta); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
