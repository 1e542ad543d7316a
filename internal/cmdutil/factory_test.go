package cmdutil

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

func factory(t *testing.T, env map[string]string) (*Factory, *iostreams.IOStreams) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := New(build.Info{Version: "1.2.3"}, ios)
	if _, ok := env["CORECLAW_CONFIG_DIR"]; !ok {
		env["CORECLAW_CONFIG_DIR"] = t.TempDir()
	}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return f, ios
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
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte("api_key: k\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o644)
	f, _ := factory(t, map[string]string{"CORECLAW_CONFIG_DIR": dir})
	errOut := f.IOStreams.ErrOut.(interface{ String() string })
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
