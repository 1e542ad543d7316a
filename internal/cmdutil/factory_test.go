package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

func factory(t *testing.T, env map[string]string) (*Factory, *bytes.Buffer) {
	t.Helper()
	ios, _, _, errOut := iostreams.Test()
	f := New(build.Info{Version: "1.2.3"}, ios)
	if _, ok := env["CORECLAW_CONFIG_DIR"]; !ok {
		env["CORECLAW_CONFIG_DIR"] = privateDir(t)
	}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return f, errOut
}

// privateDir is a config directory as coreclaw makes it: mode 0700.
func privateDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFactoryClient(t *testing.T) {
	f, _ := factory(t, map[string]string{"CORECLAW_API_KEY": "k", "CORECLAW_BASE_URL": "http://127.0.0.1:9/"})
	c, err := f.APIClient()
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://127.0.0.1:9" || !c.HasKey() {
		t.Errorf("client %s, key %v", c.BaseURL(), c.HasKey())
	}
	// Built once.
	if c2, _ := f.APIClient(); c2 != c {
		t.Error("APIClient built a second client")
	}

	f, _ = factory(t, map[string]string{})
	c, err = f.APIClient()
	if err != nil || c.BaseURL() != "https://openapi.coreclaw.com" || c.HasKey() {
		t.Errorf("defaults: %v, %v", c, err)
	}
}

func TestFactoryBadBaseURL(t *testing.T) {
	f, _ := factory(t, map[string]string{"CORECLAW_BASE_URL": "http://api.example.com"})
	_, err := f.APIClient()
	if err == nil || err.Error() != `base URL "http://api.example.com" uses http: only https is allowed, except on a loopback address (from env)` || ExitCode(err) != ExitUsage {
		t.Errorf("error %v (exit %d)", err, ExitCode(err))
	}
}

func TestFactoryConfigWarnings(t *testing.T) {
	dir := privateDir(t)
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte("api_key: k\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o644)
	f, errOut := factory(t, map[string]string{"CORECLAW_CONFIG_DIR": dir})
	if _, err := f.APIClient(); err != nil {
		t.Fatal(err)
	}
	want := "warning: config file " + p + " is readable by others (mode 0644): run `chmod 600 " + p + "`\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	// Loaded once: the warning is not repeated.
	f.Config()
	if got := errOut.String(); got != want {
		t.Errorf("stderr after a second Config(): %q", got)
	}

	f, _ = factory(t, map[string]string{"CORECLAW_CONFIG_DIR": p}) // a file where the directory should be
	if _, err := f.APIClient(); err == nil {
		t.Error("no error for a config directory that is a file")
	}
}

func TestEnvTrue(t *testing.T) {
	for v, want := range map[string]bool{"1": true, "true": true, "yes": true, "": false, "0": false, "false": false} {
		lookup := func(string) (string, bool) { return v, true }
		if got := envTrue(lookup, "X"); got != want {
			t.Errorf("envTrue(%q) = %v", v, got)
		}
	}
	if envTrue(func(string) (string, bool) { return "", false }, "X") {
		t.Error("unset is true")
	}
}

// A key with whitespace around it (a pasted newline) works; one with a
// control character or a space inside is refused before any request, as
// an authentication error (exit 4), without printing it.
func TestFactoryKeyWhitespace(t *testing.T) {
	var got string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		fmt.Fprint(w, `{"code":0,"message":"success","data":{"balance":"1"}}`)
	}))
	defer ts.Close()
	f, _ := factory(t, map[string]string{"CORECLAW_API_KEY": " \tcc_live_abcdefgh12345678\r\n", "CORECLAW_BASE_URL": ts.URL})
	c, err := f.APIClient()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account(context.Background()); err != nil || got != "Bearer cc_live_abcdefgh12345678" {
		t.Fatalf("sent %q (%v), want the trimmed key", got, err)
	}

	for _, tt := range []struct{ key, problem string }{
		{"cc_live_abc\x07defgh", "a control character"},
		{"cc_live_abc\ndefgh", "a control character"},
		{"cc_live_abc\u0085defgh", "a control character"},
		{"cc_live abcdefgh", "whitespace"},
	} {
		f, _ := factory(t, map[string]string{"CORECLAW_API_KEY": tt.key, "CORECLAW_BASE_URL": "http://127.0.0.1:9"})
		_, err := f.APIClient()
		want := "the API key in CORECLAW_API_KEY contains " + tt.problem + "; nothing was sent"
		if err == nil || err.Error() != want || ExitCode(err) != ExitAuth {
			t.Errorf("key %q: %v (exit %d), want %q (exit 4)", tt.key, err, ExitCode(err), want)
		}
	}

	dir := privateDir(t)
	p := filepath.Join(dir, "config.yaml")
	os.WriteFile(p, []byte("api_key: \"cc_live_abc\\x1bdefgh\"\n"), 0o600)
	f, _ = factory(t, map[string]string{"CORECLAW_CONFIG_DIR": dir, "CORECLAW_BASE_URL": "http://127.0.0.1:9"})
	_, err = f.APIClient()
	var ee *ExitError
	if err == nil || err.Error() != "the API key in the config file "+p+" contains a control character; nothing was sent" ||
		!errors.As(err, &ee) || ee.Code != ExitAuth || ee.Hint != "copy the key again from Console → Settings → API & Integrations and run `coreclaw config set api_key -`" {
		t.Errorf("file key: %v", err)
	}
}

// The keys in the environment and in the file are secrets to the streams
// as soon as the config is loaded, even when the environment's wins.
func TestFactoryTellsTheStreamsTheKeys(t *testing.T) {
	dir := privateDir(t)
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("api_key: \" cc_file_key_0123456789 \"\n"), 0o600)
	f, errOut := factory(t, map[string]string{"CORECLAW_CONFIG_DIR": dir, "CORECLAW_API_KEY": "cc_env_key_0123456789\n"})
	if _, err := f.Config(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f.IOStreams.ErrOut, "env cc_env_key_0123456789 file cc_file_key_0123456789")
	if got := errOut.String(); got != "env [REDACTED] file [REDACTED]\n" {
		t.Errorf("stderr %q", got)
	}
	if strings.Contains(errOut.String(), "key_0123") {
		t.Error("a key leaked")
	}
}
