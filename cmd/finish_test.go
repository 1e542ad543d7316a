package cmd

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

const secretKey = "cc_live_Zq8vY2xX9pL4mN7rT1"

// panickingTransport fails the way a bug would, with the key in the
// panic's message.
type panickingTransport struct{}

func (panickingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	panic(fmt.Sprintf("unexpected header %q", req.Header.Get("Authorization")))
}

// A panic never prints the key: it becomes one redacted error line, a
// hint, and exit 1; with --debug the stack follows, redacted too.
func TestRunRecoversPanicWithoutTheKey(t *testing.T) {
	for _, debug := range []bool{false, true} {
		ios, _, out, errOut := iostreams.Test()
		f := cmdutil.New(build.Info{Version: "1.2.3"}, ios)
		env := map[string]string{
			"CORECLAW_API_KEY":    "  " + secretKey + "\n",
			"CORECLAW_BASE_URL":   "http://127.0.0.1:9",
			"CORECLAW_CONFIG_DIR": filepath.Join(t.TempDir(), "none"),
		}
		f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		f.Transport = panickingTransport{}
		args := []string{"account"}
		if debug {
			args = append(args, "--debug")
		}
		code := Run(context.Background(), f, args)
		if code != cmdutil.ExitFailure {
			t.Errorf("debug=%v: exit %d, want 1", debug, code)
		}
		all := out.String() + errOut.String()
		if strings.Contains(all, secretKey) || strings.Contains(all, secretKey[:12]) {
			t.Errorf("debug=%v: the key leaked:\n%s", debug, all)
		}
		lines := strings.Split(errOut.String(), "\n")
		wantErr := `error: internal error: unexpected header "Bearer [REDACTED]"`
		if debug {
			// The trace lines come first.
			var found bool
			for _, l := range lines {
				found = found || l == wantErr
			}
			if !found || !strings.Contains(errOut.String(), "goroutine ") {
				t.Errorf("debug: no error line or no stack:\n%s", errOut.String())
			}
			continue
		}
		want := wantErr + "\nhint: this is a bug in coreclaw: please report it (with --debug the error shows where it happened)\n"
		if errOut.String() != want || out.String() != "" {
			t.Errorf("stderr:\n%s\nwant:\n%s\nstdout: %q", errOut.String(), want, out.String())
		}
	}
}
