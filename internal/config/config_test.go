package config

import (
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// flags returns the global flag set with --base-url, parsed from args.
func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("coreclaw", pflag.ContinueOnError)
	fs.String("base-url", "", "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func writeConfig(t *testing.T, dir, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return p
}

func load(t *testing.T, dir string, environ map[string]string, fs *pflag.FlagSet) *Config {
	t.Helper()
	m := map[string]string{EnvConfigDir: dir}
	for k, v := range environ {
		m[k] = v
	}
	c, err := Load(Options{Lookup: env(m), Flags: fs})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestGetPrecedence(t *testing.T) {
	const file = "api_key: file_key_123\nbase_url: https://file.example.com\n"
	tests := []struct {
		name       string
		file       string // "" for no file
		environ    map[string]string
		args       []string
		key        string
		want       string
		wantSource Source
	}{
		{"flag beats env and file", file, map[string]string{EnvBaseURL: "https://env.example.com"}, []string{"--base-url", "https://flag.example.com"},
			KeyBaseURL, "https://flag.example.com", SourceFlag},
		{"flag given as its default value still counts", file, nil, []string{"--base-url="}, KeyBaseURL, "", SourceFlag},
		{"env beats file", file, map[string]string{EnvBaseURL: "https://env.example.com"}, nil, KeyBaseURL, "https://env.example.com", SourceEnv},
		{"empty env is unset", file, map[string]string{EnvBaseURL: ""}, nil, KeyBaseURL, "https://file.example.com", SourceFile},
		{"file beats default", file, nil, nil, KeyBaseURL, "https://file.example.com", SourceFile},
		{"default", "", nil, nil, KeyBaseURL, "https://openapi.coreclaw.com", SourceDefault},
		{"default with the flag defined but not given", "", nil, []string{}, KeyBaseURL, "https://openapi.coreclaw.com", SourceDefault},
		{"key from env", file, map[string]string{EnvAPIKey: "env_key"}, nil, KeyAPIKey, "env_key", SourceEnv},
		{"key from file", file, nil, nil, KeyAPIKey, "file_key_123", SourceFile},
		{"key unset", "", nil, nil, KeyAPIKey, "", SourceUnset},
		{"key unset, file without it", "base_url: https://x.example.com\n", nil, nil, KeyAPIKey, "", SourceUnset},
		{"--base-url does not set the key", "", nil, []string{"--base-url", "https://flag.example.com"}, KeyAPIKey, "", SourceUnset},
		{"unknown key", file, nil, nil, "colour", "", SourceUnset},
		{"number in the file read as text", "api_key: 12345\n", nil, nil, KeyAPIKey, "12345", SourceFile},
		{"empty value in the file is from the file", "api_key: \"\"\n", nil, nil, KeyAPIKey, "", SourceFile},
		{"keys are case-insensitive in the file", "API_KEY: upper\n", nil, nil, KeyAPIKey, "upper", SourceFile},
		{"unrelated env ignored", "", map[string]string{"CORECLAW_API_KEY_FILE": "x", "API_KEY": "y"}, nil, KeyAPIKey, "", SourceUnset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "coreclaw")
			if tt.file != "" {
				writeConfig(t, dir, tt.file, 0o600)
			}
			var fs *pflag.FlagSet
			if tt.args != nil {
				fs = flags(t, tt.args...)
			}
			c := load(t, dir, tt.environ, fs)
			got, src := c.Get(tt.key)
			if got != tt.want || src != tt.wantSource {
				t.Errorf("Get(%q) = %q, %s; want %q, %s", tt.key, got, src, tt.want, tt.wantSource)
			}
			if len(c.Warnings()) != 0 {
				t.Errorf("warnings: %q", c.Warnings())
			}
		})
	}
}

func TestFileValue(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, "api_key: k\n", 0o600)
	c := load(t, dir, map[string]string{EnvAPIKey: "from-env"}, nil)
	if v, ok := c.FileValue(KeyAPIKey); v != "k" || !ok {
		t.Errorf("FileValue(api_key) = %q, %v", v, ok)
	}
	if v, ok := c.FileValue(KeyBaseURL); v != "" || ok {
		t.Errorf("FileValue(base_url) = %q, %v; the default is not in the file", v, ok)
	}
	if c.Path() != filepath.Join(dir, "config.yaml") {
		t.Errorf("Path() = %s", c.Path())
	}
}

func TestLoadErrorsAndWarnings(t *testing.T) {
	t.Run("invalid YAML", func(t *testing.T) {
		dir := t.TempDir()
		p := writeConfig(t, dir, "api_key: [unclosed\n", 0o600)
		_, err := Load(Options{Lookup: env(map[string]string{EnvConfigDir: dir})})
		if err == nil || !strings.HasPrefix(err.Error(), "reading config file "+p+": ") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("a directory where the file should be", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "config.yaml")
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := Load(Options{Lookup: env(map[string]string{EnvConfigDir: dir})})
		if err == nil || err.Error() != "config file "+p+" is a directory" {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("no file, no directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "not", "there")
		c := load(t, dir, nil, nil)
		if v, src := c.Get(KeyBaseURL); v != "https://openapi.coreclaw.com" || src != SourceDefault {
			t.Errorf("Get = %q, %s", v, src)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("Load created the directory: %v", err)
		}
	})
	if runtime.GOOS == "windows" {
		return
	}
	for _, tt := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o644, true}, {0o640, true}, {0o604, true}, {0o666, true}, {0o700, false}} {
		t.Run("mode "+tt.mode.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "coreclaw")
			p := writeConfig(t, dir, "api_key: k\n", tt.mode)
			c := load(t, dir, nil, nil)
			var want []string
			if tt.warn {
				want = []string{"config file " + p + " is readable by others (mode " + octal(tt.mode) + "): run `chmod 600 " + p + "`"}
			}
			if strings.Join(c.Warnings(), "|") != strings.Join(want, "|") {
				t.Errorf("warnings = %q, want %q", c.Warnings(), want)
			}
		})
	}
}

func octal(m os.FileMode) string {
	const digits = "01234567"
	p := uint32(m.Perm())
	return "0" + string(digits[p>>6&7]) + string(digits[p>>3&7]) + string(digits[p&7])
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkModes(t *testing.T, dir string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	info, err := os.Stat(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("config.yaml mode = %04o, want 0600", info.Mode().Perm())
	}
	dinfo, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if dinfo.Mode().Perm() != 0o700 {
		t.Errorf("directory mode = %04o, want 0700", dinfo.Mode().Perm())
	}
}

func TestSetUnset(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "deep", "coreclaw")
	c := load(t, dir, nil, nil)
	p := filepath.Join(dir, "config.yaml")

	if err := c.Set(KeyAPIKey, "cc_live_abcdefghijklmnop"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "api_key: cc_live_abcdefghijklmnop\n" {
		t.Errorf("after set api_key: %q", got)
	}
	checkModes(t, dir)
	if runtime.GOOS != "windows" {
		if info, _ := os.Stat(filepath.Dir(dir)); info.Mode().Perm() != 0o700 {
			t.Errorf("parent directory created with mode %04o, want 0700", info.Mode().Perm())
		}
	}
	// The in-memory view follows the file.
	if v, src := c.Get(KeyAPIKey); v != "cc_live_abcdefghijklmnop" || src != SourceFile {
		t.Errorf("Get after Set = %q, %s", v, src)
	}

	if err := c.Set(KeyBaseURL, "https://file.example.com/prefix"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "api_key: cc_live_abcdefghijklmnop\nbase_url: https://file.example.com/prefix\n" {
		t.Errorf("after set base_url: %q", got)
	}
	if err := c.Set(KeyAPIKey, "second"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "api_key: second\nbase_url: https://file.example.com/prefix\n" {
		t.Errorf("after replacing api_key: %q", got)
	}

	if err := c.Unset(KeyAPIKey); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "base_url: https://file.example.com/prefix\n" {
		t.Errorf("after unset api_key: %q", got)
	}
	if v, src := c.Get(KeyAPIKey); v != "" || src != SourceUnset {
		t.Errorf("Get after Unset = %q, %s", v, src)
	}
	if err := c.Unset(KeyBaseURL); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "" {
		t.Errorf("after unsetting everything: %q", got)
	}
	if v, src := c.Get(KeyBaseURL); v != "https://openapi.coreclaw.com" || src != SourceDefault {
		t.Errorf("Get after Unset = %q, %s", v, src)
	}
	// An empty file loads fine.
	c2 := load(t, dir, nil, nil)
	if v, src := c2.Get(KeyBaseURL); v != "https://openapi.coreclaw.com" || src != SourceDefault {
		t.Errorf("Get from an empty file = %q, %s", v, src)
	}
	checkModes(t, dir)
	if got := listDir(t, dir); got != "config.yaml" {
		t.Errorf("directory holds %s; temporary files left behind?", got)
	}
}

func TestSetKeepsUnknownKeys(t *testing.T) {
	dir := t.TempDir()
	p := writeConfig(t, dir, "# my settings\nzeta: 1\nalpha:\n  nested: [1, 2]\n  s: text\napi_key: old\nflag: true\n", 0o644)
	c := load(t, dir, nil, nil)
	if err := c.Set(KeyBaseURL, "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	want := "alpha:\n    nested:\n        - 1\n        - 2\n    s: text\napi_key: old\nbase_url: http://127.0.0.1:8080\nflag: true\nzeta: 1\n"
	if got := readFile(t, p); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	// The rewrite also fixes the file's mode. (A directory that already
	// existed keeps its mode: CORECLAW_CONFIG_DIR may name a shared one.)
	if info, _ := os.Stat(p); runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("config.yaml mode = %04o, want 0600", info.Mode().Perm())
	}
	if err := c.Unset(KeyAPIKey); err != nil {
		t.Fatal(err)
	}
	want = "alpha:\n    nested:\n        - 1\n        - 2\n    s: text\nbase_url: http://127.0.0.1:8080\nflag: true\nzeta: 1\n"
	if got := readFile(t, p); got != want {
		t.Errorf("file after unset:\n%s\nwant:\n%s", got, want)
	}
	if got := listDir(t, dir); got != "config.yaml" {
		t.Errorf("directory holds %s", got)
	}
}

func TestSetErrors(t *testing.T) {
	dir := t.TempDir()
	c := load(t, dir, nil, nil)
	tests := []struct {
		key, value, want string
	}{
		{"colour", "red", `unknown key "colour" (known keys: api_key, base_url)`},
		{"API_KEY", "k", `unknown key "API_KEY" (known keys: api_key, base_url)`},
		{KeyAPIKey, "", "the API key is empty"},
		{KeyAPIKey, "a b", "the API key contains whitespace or control characters"},
		{KeyAPIKey, "ab\n", "the API key contains whitespace or control characters"},
		{KeyAPIKey, "a\x7fb", "the API key contains whitespace or control characters"},
		{KeyBaseURL, "http://api.example.com", `base URL "http://api.example.com" uses http: only https is allowed, except on a loopback address`},
		{KeyBaseURL, "ftp://x", `base URL "ftp://x" is not an http(s) URL`},
		{KeyBaseURL, "https://user:secret@api.example.com", `base URL "https://api.example.com" must not carry user info, a query or a fragment`},
	}
	for _, tt := range tests {
		if err := c.Set(tt.key, tt.value); err == nil || err.Error() != tt.want {
			t.Errorf("Set(%q, %q) = %v, want %q", tt.key, tt.value, err, tt.want)
		}
	}
	if err := c.Unset("colour"); err == nil || err.Error() != `unknown key "colour" (known keys: api_key, base_url)` {
		t.Errorf("Unset(colour) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "config.yaml")); !os.IsNotExist(err) {
		t.Errorf("a refused Set wrote the file: %v", err)
	}

	// The file turns into invalid YAML after Load.
	p := writeConfig(t, dir, "api_key: [\n", 0o600)
	err := c.Set(KeyAPIKey, "k")
	if err == nil || !strings.HasPrefix(err.Error(), "config file "+p+" is not valid YAML: ") {
		t.Errorf("Set over invalid YAML = %v", err)
	}
	if got := readFile(t, p); got != "api_key: [\n" {
		t.Errorf("invalid file was rewritten: %q", got)
	}

	// A directory appears where the file should be.
	os.Remove(p)
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
	err = c.Set(KeyAPIKey, "k")
	if err == nil || err.Error() != "reading config file: read "+p+": is a directory" {
		t.Errorf("Set over a directory = %v", err)
	}
	if got := listDir(t, dir); got != "config.yaml" {
		t.Errorf("directory holds %s", got)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "f.yaml")
	if err := WriteFileAtomic(p, []byte("a: 1\n")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "a: 1\n" {
		t.Errorf("content %q", got)
	}
	// Replacing a file readable by others leaves a 0600 file.
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("b: 2\n")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "b: 2\n" {
		t.Errorf("content %q", got)
	}
	if info, _ := os.Stat(p); runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", info.Mode().Perm())
	}
	if got := listDir(t, filepath.Join(dir, "sub")); got != "f.yaml" {
		t.Errorf("directory holds %s", got)
	}
	// A failed rename (a non-empty directory in the way) leaves no temporary file.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(blocked, []byte("c"))
	if err == nil || !strings.HasPrefix(err.Error(), "writing config file: ") {
		t.Errorf("rename over a directory = %v", err)
	}
	if got := listDir(t, dir); got != "blocked,sub" {
		t.Errorf("directory holds %s; temporary file left behind?", got)
	}
}

func TestDir(t *testing.T) {
	got, err := Dir(env(map[string]string{EnvConfigDir: "/some/where"}))
	if err != nil || got != "/some/where" {
		t.Errorf("Dir with %s = %q, %v", EnvConfigDir, got, err)
	}
	if runtime.GOOS != "linux" {
		return
	}
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	got, err = Dir(env(map[string]string{EnvConfigDir: ""}))
	if err != nil || got != filepath.Join(xdg, "coreclaw") {
		t.Errorf("Dir with an empty %s = %q, %v; want %s", EnvConfigDir, got, err, filepath.Join(xdg, "coreclaw"))
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "")
	_, err = Dir(env(nil))
	if err == nil || err.Error() != "cannot find the user config directory (set CORECLAW_CONFIG_DIR): neither $XDG_CONFIG_HOME nor $HOME are defined" {
		t.Errorf("Dir without a home = %v", err)
	}
	if _, err := Load(Options{Lookup: env(nil)}); err == nil {
		t.Error("Load without a home should fail")
	}
}

func TestKeys(t *testing.T) {
	if got := strings.Join(KeyNames(), ","); got != "api_key,base_url" {
		t.Errorf("KeyNames() = %s", got)
	}
	k, ok := LookupKey(KeyAPIKey)
	if !ok || k.Env != EnvAPIKey || !k.Secret || k.Flag != "" || k.Default != "" {
		t.Errorf("api_key = %+v, %v", k, ok)
	}
	k, ok = LookupKey(KeyBaseURL)
	if !ok || k.Env != EnvBaseURL || k.Secret || k.Flag != "base-url" || k.Default != "https://openapi.coreclaw.com" {
		t.Errorf("base_url = %+v, %v", k, ok)
	}
	if _, ok := LookupKey("nope"); ok {
		t.Error("LookupKey(nope) found something")
	}
}

func TestMask(t *testing.T) {
	const s = "abcdefghijklmnopqrst" // 20 characters
	want := []string{
		"",           // 0
		"****",       // 1
		"****",       // 2
		"****",       // 3
		"a****d",     // 4
		"a****e",     // 5
		"a****f",     // 6
		"a****g",     // 7
		"ab****gh",   // 8
		"ab****hi",   // 9
		"ab****ij",   // 10
		"ab****jk",   // 11
		"abc****jkl", // 12
		"abc****klm", // 13
		"abc****lmn", // 14
		"abc****mno", // 15
		"abcd****mnop",
		"abcd****nopq",
		"abcd****opqr",
		"abcd****pqrs",
		"abcd****qrst", // 20
	}
	for n := 0; n <= 20; n++ {
		if got := Mask(s[:n]); got != want[n] {
			t.Errorf("Mask(%q) = %q, want %q", s[:n], got, want[n])
		}
	}
	multi := []struct{ in, want string }{
		{"ключ", "к****ч"},
		{"秘密秘密秘密秘密", "秘密****秘密"},
		{"😀😀😀", "****"},
		{"cc_live_😀😀😀😀😀😀😀😀😀😀😀😀", "cc_l****😀😀😀😀"},
		{"cc_live_abcdefghijklmnop", "cc_l****mnop"},
	}
	for _, tt := range multi {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnsetWithoutAFileCreatesNone(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(Options{Lookup: func(k string) (string, bool) {
		if k == EnvConfigDir {
			return dir, true
		}
		return "", false
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Unset(KeyAPIKey); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Path()); !os.IsNotExist(err) {
		t.Fatalf("unset created %s (%v)", c.Path(), err)
	}
}

// The contract says 0700: an existing config directory open to the group
// or others gets a warning, whether or not it holds a file yet.
func TestLoadWarnsAboutAnOpenDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("modes are not checked on Windows")
	}
	for _, tt := range []struct {
		mode os.FileMode
		warn bool
	}{{0o700, false}, {0o500, false}, {0o750, true}, {0o755, true}, {0o701, true}, {0o777, true}} {
		for _, withFile := range []bool{false, true} {
			dir := filepath.Join(t.TempDir(), "coreclaw")
			if withFile {
				writeConfig(t, dir, "api_key: k\n", 0o600)
			} else if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tt.mode); err != nil {
				t.Fatal(err)
			}
			c := load(t, dir, nil, nil)
			var want []string
			if tt.warn {
				want = []string{"config directory " + dir + " is open to other users (mode " + octal(tt.mode) + "): run `chmod 700 " + dir + "`"}
			}
			if strings.Join(c.Warnings(), "|") != strings.Join(want, "|") {
				t.Errorf("mode %s, file %v: warnings = %q, want %q", tt.mode, withFile, c.Warnings(), want)
			}
			os.Chmod(dir, 0o700) // so that the test can clean up
		}
	}
}

// Whitespace around the key is trimmed, from the environment and from the
// file; a key of whitespace alone is no key.
func TestGetTrimsTheKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "coreclaw")
	writeConfig(t, dir, "api_key: \"  file_key\\r\\n\"\nbase_url: \" https://x.example.com\"\n", 0o600)
	c := load(t, dir, map[string]string{EnvAPIKey: "\tenv_key \n"}, nil)
	if v, src := c.Get(KeyAPIKey); v != "env_key" || src != SourceEnv {
		t.Errorf("env: %q, %s", v, src)
	}
	c = load(t, dir, map[string]string{EnvAPIKey: " \n"}, nil)
	if v, src := c.Get(KeyAPIKey); v != "file_key" || src != SourceFile {
		t.Errorf("file: %q, %s", v, src)
	}
	// Only secrets are trimmed: other values are checked as they are.
	if v, _ := c.Get(KeyBaseURL); v != " https://x.example.com" {
		t.Errorf("base_url: %q", v)
	}
}

func TestAPIKeyProblem(t *testing.T) {
	for key, want := range map[string]string{
		"cc_live_0123": "",
		"":             "",
		"ключ_0123":    "",
		"cc\x00x":      "a control character",
		"cc\tx":        "a control character",
		"cc\x7fx":      "a control character",
		"cc\u009bx":    "a control character",
		"cc x":         "whitespace",
		"cc\u00a0x":    "whitespace",
		"cc\u3000x":    "whitespace",
	} {
		if got := APIKeyProblem(key); got != want {
			t.Errorf("APIKeyProblem(%q) = %q, want %q", key, got, want)
		}
	}
}
