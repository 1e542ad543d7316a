package export

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/atomicfile"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// failingReader gives some bytes, then an error, as a dropped download does.
type failingReader struct{ left int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), r.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	r.left -= n
	return n, nil
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

// writeTo is writeFile with its temporary file, as Run creates it.
func writeTo(ctx context.Context, path string, force bool, src io.Reader, size int64) (int64, error) {
	tmp, err := atomicfile.Create(path, 0o666)
	if err != nil {
		return 0, err
	}
	defer tmp.Abort()
	return writeFile(ctx, tmp, path, force, src, size)
}

func TestWriteFile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		src     io.Reader
		size    int64
		force   bool
		before  string // content of FILE before, "" for none
		wantErr string
		want    string // content of FILE after
	}{
		{name: "complete", src: strings.NewReader("a,b\n1,2\n"), size: 8, want: "a,b\n1,2\n"},
		{name: "size unknown", src: strings.NewReader("abc"), size: -1, want: "abc"},
		{name: "short", src: strings.NewReader("abc"), size: 10, wantErr: "download incomplete: got 3 of 10 bytes"},
		{name: "cut", src: &failingReader{left: 5000}, size: 9000, wantErr: "connection reset"},
		{name: "cut, old file kept", src: &failingReader{left: 5}, size: 9, force: true, before: "old", wantErr: "connection reset", want: "old"},
		{name: "replaced with force", src: strings.NewReader("new"), size: 3, force: true, before: "old", want: "new"},
		{name: "appeared meanwhile", src: strings.NewReader("new"), size: 3, before: "other", wantErr: "appeared while downloading", want: "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			if tt.before != "" {
				os.WriteFile(path, []byte(tt.before), 0o644)
			}
			_, err := writeTo(ctx, path, tt.force, tt.src, tt.size)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tt.want == "" && !errors.Is(rerr, os.ErrNotExist):
				t.Errorf("FILE exists after a failed download: %q", got)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf("FILE holds %q, want %q", got, tt.want)
			}
			// Only FILE (or nothing) is left: no temporary file.
			names := entries(t, dir)
			if len(names) > 1 || len(names) == 1 && names[0] != "out.csv" {
				t.Errorf("directory holds %v", names)
			}
		})
	}
}

func TestWriteFileInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := writeTo(ctx, filepath.Join(dir, "out.csv"), false, strings.NewReader("abc"), 3)
	if !errors.Is(err, context.Canceled) || len(entries(t, dir)) != 0 {
		t.Errorf("err %v, left %v", err, entries(t, dir))
	}
}

// TestCheckTargetRefusesSpecialFiles: what is not a regular file is never
// replaced, --force or not; a link to nothing is refused too.
func TestCheckTargetRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets: %v", err)
	}
	defer ln.Close()
	dangling := filepath.Join(dir, "dangling.csv")
	if err := os.Symlink(filepath.Join(dir, "missing.csv"), dangling); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	for _, tt := range []struct {
		path, want string
	}{
		{sock, sock + " is a socket, not a regular file: -O only writes regular files"},
		{dangling, dangling + " is a symbolic link to " + filepath.Join(dir, "missing.csv") + ", which does not exist"},
		{dir, dir + " is a directory: give a file name with -O"},
	} {
		for _, force := range []bool{false, true} {
			err := checkTarget(tt.path, force)
			if cmdutil.ExitCode(err) != cmdutil.ExitUsage || err.Error() != tt.want {
				t.Errorf("checkTarget(%s, force %v) = %v (exit %d), want %q", tt.path, force, err, cmdutil.ExitCode(err), tt.want)
			}
		}
	}
}
