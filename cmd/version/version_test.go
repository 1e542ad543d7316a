package version

import (
	"context"
	"testing"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdtest"
)

func TestNewCmdVersion(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		wantErr string
	}{
		{name: "no arguments"},
		{name: "an argument", argv: []string{"1.2"}, wantErr: "error: coreclaw version takes no arguments (got \"1.2\")\n(exit 2)"},
		{name: "an unknown flag", argv: []string{"--short"}, wantErr: "error: unknown flag: --short\nhint: see `coreclaw version --help`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			cmd := NewCmdVersion(f, func(_ context.Context, o *Options) error { got = o; return nil })
			err := cmdtest.Parse(t, cmd, tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Build != f.Build || got.IO != f.IOStreams):
				t.Errorf("options: %+v", got)
			}
		})
	}
}

func TestVersionRun(t *testing.T) {
	tests := []struct {
		name string
		info build.Info
		want string
	}{
		{"release", build.Info{Version: "1.4.0", Commit: "0123456789abcdef0123", Date: "2026-11-30T00:00:00Z"},
			"coreclaw 1.4.0 (commit 0123456789ab, built 2026-11-30T00:00:00Z)\n"},
		{"dirty tree", build.Info{Version: "dev", Commit: "abc", Date: "unknown", Dirty: true},
			"coreclaw dev (commit abc-dirty, built unknown)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, streams, _ := cmdtest.Factory(t, nil, nil)
			err := Run(&Options{IO: f.IOStreams, Build: tt.info})
			cmdtest.Diff(t, "error", cmdtest.Message(err), "")
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.want)
			cmdtest.Diff(t, "stderr", streams.Err.String(), "")
		})
	}
}
