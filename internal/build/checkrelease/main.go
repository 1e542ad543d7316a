// Command checkrelease checks what `goreleaser release --snapshot` (or a
// real release) left in dist/: an archive for each platform, each holding
// the binary built for that platform with the release's version stamped
// in, the README, the licence, every completion script and every man page
// as committed, and a checksums.txt that matches them all.
//
//	go run ./internal/build/checkrelease dist   (from the repository root)
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// platforms are the GOOS/GOARCH pairs every release has an archive for.
var platforms = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: checkrelease DIST")
		os.Exit(2)
	}
	report, err := check(os.Args[1], ".", checkBinary)
	fmt.Print(report)
	if err != nil {
		fmt.Fprintln(os.Stderr, "checkrelease:", err)
		os.Exit(1)
	}
}

// metadata is what goreleaser writes to dist/metadata.json.
type metadata struct {
	ProjectName string `json:"project_name"`
	Version     string `json:"version"`
	Commit      string `json:"commit"`
}

// binaryCheck checks a binary's bytes against its platform and stamp.
type binaryCheck func(data []byte, goos, goarch string, meta metadata) error

// check checks dist against the files of the repository at repo and
// returns one line per archive checked.
func check(dist, repo string, checkBin binaryCheck) (string, error) {
	var meta metadata
	raw, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return "", fmt.Errorf("metadata.json: %v", err)
	}
	if meta.ProjectName == "" || meta.Version == "" || meta.Commit == "" {
		return "", fmt.Errorf("metadata.json lacks project_name, version or commit: %s", raw)
	}
	want, err := shippedFiles(repo)
	if err != nil {
		return "", err
	}
	sums, err := readChecksums(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		return "", err
	}

	var report strings.Builder
	var problems []string
	seen := map[string]bool{}
	for _, p := range platforms {
		name := fmt.Sprintf("%s_%s_%s_%s", meta.ProjectName, meta.Version, p.goos, p.goarch)
		binary := "coreclaw"
		if p.goos == "windows" {
			name, binary = name+".zip", "coreclaw.exe"
		} else {
			name += ".tar.gz"
		}
		seen[name] = true
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		if sum := sha256.Sum256(data); sums[name] != hex.EncodeToString(sum[:]) {
			problems = append(problems, fmt.Sprintf("%s: checksums.txt says %q, the file's SHA-256 is %x", name, sums[name], sum))
		}
		entries, err := readArchive(name, data)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		var bad []string
		bin, ok := entries[binary]
		switch {
		case !ok:
			bad = append(bad, "no "+binary)
		case p.goos != "windows" && bin.mode&0o111 == 0:
			bad = append(bad, fmt.Sprintf("%s is not executable (mode %o)", binary, bin.mode))
		}
		if ok {
			if err := checkBin(bin.data, p.goos, p.goarch, meta); err != nil {
				bad = append(bad, binary+": "+err.Error())
			}
		}
		for _, f := range want {
			got, ok := entries[f.name]
			switch {
			case !ok:
				bad = append(bad, "no "+f.name)
			case !bytes.Equal(got.data, f.data):
				bad = append(bad, f.name+" differs from the repository's")
			}
		}
		for n := range entries {
			if n != binary && !contains(want, n) {
				bad = append(bad, "unexpected "+n)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			problems = append(problems, name+": "+strings.Join(bad, "; "))
			continue
		}
		fmt.Fprintf(&report, "ok %s: %s for %s/%s and %d files (README.md, LICENSE, completions/, man/)\n",
			name, binary, p.goos, p.goarch, len(want))
	}
	for name := range sums {
		if !seen[name] {
			problems = append(problems, "checksums.txt lists "+name+", which is no archive of a release platform")
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return report.String(), errors.New(strings.Join(problems, "\n"))
	}
	fmt.Fprintf(&report, "ok checksums.txt: %d archives\n", len(seen))
	return report.String(), nil
}

// repoFile is a file every archive must hold, as the repository has it.
type repoFile struct {
	name string
	data []byte
}

func contains(files []repoFile, name string) bool {
	for _, f := range files {
		if f.name == name {
			return true
		}
	}
	return false
}

// shippedFiles are README.md, LICENSE, completions/* and man/*.1.
func shippedFiles(repo string) ([]repoFile, error) {
	names := []string{"README.md", "LICENSE"}
	for _, pattern := range []string{"completions/*", "man/*.1"} {
		matches, err := filepath.Glob(filepath.Join(repo, pattern))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("the repository at %s has no %s", repo, pattern)
		}
		for _, m := range matches {
			rel, _ := filepath.Rel(repo, m)
			names = append(names, filepath.ToSlash(rel))
		}
	}
	var files []repoFile
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(repo, n))
		if err != nil {
			return nil, err
		}
		files = append(files, repoFile{n, data})
	}
	return files, nil
}

// readChecksums reads sha256sum's format: "HEX  NAME" a line.
func readChecksums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			return nil, fmt.Errorf("checksums.txt: bad line %q", sc.Text())
		}
		sums[name] = sum
	}
	return sums, sc.Err()
}

// entry is one regular file of an archive.
type entry struct {
	data []byte
	mode os.FileMode
}

// readArchive returns the regular files of a .tar.gz or .zip by path.
func readArchive(name string, data []byte) (map[string]entry, error) {
	out := map[string]entry{}
	if strings.HasSuffix(name, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, err
		}
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			out[f.Name] = entry{b, f.Mode()}
		}
		return out, nil
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(h.Name, "./")] = entry{b, os.FileMode(h.Mode)}
	}
}

// checkBinary reads the build information of a Go binary (ELF, Mach-O or
// PE alike) and checks it was built for goos/goarch without cgo, with the
// release's version and commit in it (-trimpath keeps -ldflags out of the
// build information, so the stamped strings are looked for instead). A
// binary for this machine is also run: `coreclaw version` must name them.
func checkBinary(data []byte, goos, goarch string, meta metadata) error {
	bi, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("no Go build information: %v", err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var bad []string
	if settings["GOOS"] != goos || settings["GOARCH"] != goarch {
		bad = append(bad, fmt.Sprintf("built for %s/%s", settings["GOOS"], settings["GOARCH"]))
	}
	if settings["CGO_ENABLED"] != "0" {
		bad = append(bad, "built with CGO_ENABLED="+settings["CGO_ENABLED"])
	}
	if bi.Path != "github.com/coreclaw/coreclaw" {
		bad = append(bad, "main package "+bi.Path)
	}
	for _, stamp := range []string{meta.Version, meta.Commit} {
		if !bytes.Contains(data, []byte(stamp)) {
			bad = append(bad, fmt.Sprintf("%q is not stamped in", stamp))
		}
	}
	if len(bad) == 0 && goos == runtime.GOOS && goarch == runtime.GOARCH {
		if err := runVersion(data, meta); err != nil {
			bad = append(bad, err.Error())
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, ", "))
	}
	return nil
}

// runVersion runs the binary's `version` and checks what it prints.
func runVersion(data []byte, meta metadata) error {
	dir, err := os.MkdirTemp("", "checkrelease-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	exe := filepath.Join(dir, "coreclaw")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		return err
	}
	out, err := exec.Command(exe, "version").Output()
	if err != nil {
		return fmt.Errorf("coreclaw version: %v", err)
	}
	return checkVersionLine(string(out), meta)
}

// checkVersionLine checks `coreclaw version` against the release: its
// version (without a leading v), its commit (12 digits) and a real date.
func checkVersionLine(line string, meta metadata) error {
	commit := meta.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	prefix := "coreclaw " + strings.TrimPrefix(meta.Version, "v") + " (commit " + commit + ", built "
	date, ok := strings.CutPrefix(line, prefix)
	if ok {
		date, ok = strings.CutSuffix(date, ")\n")
	}
	if !ok {
		return fmt.Errorf("coreclaw version printed %q, want %q...", line, prefix)
	}
	if t, err := time.Parse(time.RFC3339, date); err != nil || t.Year() < 2020 {
		return fmt.Errorf("coreclaw version printed the build date %q", date)
	}
	return nil
}
