package export

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

func TestNewCmdExport(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "a slug, csv by default", argv: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"}, want: Options{Run: "01KKDXV2G26BT7NH4ZQR2R4NPZ", Format: "csv"}},
		{name: "every flag", argv: []string{"last", "--worker", "fake/big", "--format", "xlsx", "--fields", "n,title", "-O", "out.xlsx", "--force"},
			want: Options{Run: "last", Worker: "fake/big", Format: "xlsx", Fields: []string{"n", "title"}, OutFile: "out.xlsx", Force: true}},
		{name: "an unknown --format", argv: []string{"A", "--format", "pdf"},
			wantErr: "error: --format must be csv, json, jsonl, xlsx, xls, xml, html or rss, not \"pdf\"\n" +
				"hint: see `coreclaw export --help`\n" +
				"(exit 2)"},
		{name: "no run", wantErr: "error: coreclaw export: missing the run to export (a run slug, or last)\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdExport(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Run != tt.want.Run || got.Worker != tt.want.Worker || got.Format != tt.want.Format ||
				!slices.Equal(got.Fields, tt.want.Fields) || got.OutFile != tt.want.OutFile || got.Force != tt.want.Force):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestExportRun(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.csv")
	if err := os.WriteFile(existing, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opts     Options
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
		file     string // the file written, "" for none
	}{
		{name: "csv to stdout", opts: Options{Format: "csv", Fields: []string{"title", "rating"}},
			stdout: "title,rating\nCoffee Spot 1,4.1\nCoffee Spot 2,4.2\nCoffee Spot 3,4.3\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result/export?filter_keys=title%2Crating&format=csv\n" +
				"GET /_downloads/results-01KFAKER000000000000000001-1.csv\n"},
		{name: "-O FILE", opts: Options{Format: "jsonl", OutFile: filepath.Join(dir, "places.jsonl")},
			stderr: "wrote $DIR/places.jsonl (492 bytes)\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result/export?format=jsonl\n" +
				"GET /_downloads/results-01KFAKER000000000000000001-1.jsonl\n",
			file: "{\"title\":\"Coffee Spot 1\",\"address\":\"101 Main St, New York, USA\",\"rating\":4.1,\"reviews_count\":10,\"phone\":\"+1 212 555 0001\",\"website\":\"https://example.com/places/1\"}\n" +
				"{\"title\":\"Coffee Spot 2\",\"address\":\"102 Main St, New York, USA\",\"rating\":4.2,\"reviews_count\":20,\"phone\":\"+1 212 555 0002\",\"website\":\"https://example.com/places/2\"}\n" +
				"{\"title\":\"Coffee Spot 3\",\"address\":\"103 Main St, New York, USA\",\"rating\":4.3,\"reviews_count\":30,\"phone\":\"+1 212 555 0003\",\"website\":\"https://example.com/places/3\"}\n"},
		{name: "xlsx to a terminal: nothing sent", tty: true, opts: Options{Format: "xlsx"},
			wantErr: "error: xlsx is a binary format: write it to a file with -O FILE, or redirect stdout\n(exit 2)"},
		{name: "an existing FILE without --force: nothing sent", opts: Options{Format: "csv", OutFile: existing},
			wantErr: "error: $DIR/existing.csv already exists\n" +
				"hint: pass --force to replace it, or choose another name\n" +
				"(exit 2)",
			file: "keep me\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			slug, err := srv.AddRun("fake/succeeds", "succeeded", -1)
			if err != nil {
				t.Fatal(err)
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			opts.Run = slug
			opts.IO, opts.APIClient = f.IOStreams, f.APIClient
			err = Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", strings.ReplaceAll(cmdtest.Message(err), dir, "$DIR"), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", strings.ReplaceAll(streams.Err.String(), dir, "$DIR"), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
			if opts.OutFile != "" {
				b, _ := os.ReadFile(opts.OutFile)
				cmdtest.Diff(t, "file", string(b), tt.file)
			}
		})
	}
}
