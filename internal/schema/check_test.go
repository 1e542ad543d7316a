package schema

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/input"
)

func TestCache(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	c := &Cache{Dir: filepath.Join(t.TempDir(), "schemas"), TTL: 10 * time.Minute, Now: func() time.Time { return now }}
	const base, worker = "https://api.example", api.WorkerID("o~w")

	if _, ok := c.Get(base, worker); ok {
		t.Fatal("empty cache hit")
	}
	if err := c.Put(base, worker, json.RawMessage(`{"properties":[]}`)); err != nil {
		t.Fatal(err)
	}
	if raw, ok := c.Get(base, worker); !ok || string(raw) != `{"properties":[]}` {
		t.Fatalf("Get = %s, %v", raw, ok)
	}
	if _, ok := c.Get("https://other.example", worker); ok {
		t.Error("hit for another base URL")
	}
	if _, ok := c.Get(base, "o~other"); ok {
		t.Error("hit for another Worker")
	}
	info, err := os.Stat(c.Dir)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode = %v, %v", info.Mode(), err)
	}
	entries, _ := os.ReadDir(c.Dir)
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d files, want 1 (no temporary files left)", len(entries))
	}

	now = now.Add(9 * time.Minute)
	if _, ok := c.Get(base, worker); !ok {
		t.Error("miss before the TTL")
	}
	now = now.Add(time.Minute)
	if _, ok := c.Get(base, worker); ok {
		t.Error("hit after the TTL")
	}
	now = now.Add(-time.Hour) // an entry from the future: the clock moved
	if _, ok := c.Get(base, worker); ok {
		t.Error("hit for an entry written in the future")
	}
	now = now.Add(time.Hour - 10*time.Minute)

	// A corrupt or foreign entry is ignored, and replaced by the next Put.
	path := c.path(base, worker)
	for _, bad := range []string{`{"base_url":`, `[]`, `{"base_url":"https://other","worker":"o~w","input_schema":{}}`, `{"base_url":"https://api.example","worker":"o~w"}`} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, now, now)
		if raw, ok := c.Get(base, worker); ok {
			t.Errorf("corrupt entry %s used: %s", bad, raw)
		}
	}
	if err := c.Put(base, worker, json.RawMessage(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if raw, ok := c.Get(base, worker); !ok || string(raw) != `{"a":1}` {
		t.Errorf("after rewrite: %s, %v", raw, ok)
	}

	var nilCache *Cache
	if _, ok := nilCache.Get(base, worker); ok || nilCache.Put(base, worker, nil) != nil {
		t.Error("a nil cache must do nothing")
	}
}

// fakeSource serves one schema (or error) and counts the fetches.
func fakeSource(t *testing.T, raw string, err error) (*Source, *int) {
	n := 0
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	return &Source{
		BaseURL: "https://api.example",
		Fetch: func(ctx context.Context, w api.WorkerID) (json.RawMessage, error) {
			n++
			if err != nil {
				return nil, err
			}
			return json.RawMessage(raw), nil
		},
		Cache: &Cache{Dir: t.TempDir(), TTL: DefaultTTL, Now: func() time.Time { return now }},
	}, &n
}

func buildInput(t *testing.T, params ...string) *input.Input {
	t.Helper()
	in, err := input.Build(input.Sources{Params: params}, input.Env{})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		schema   string
		fetchErr error
		params   []string
		noInput  bool
		err      string
		warnings string
		custom   string
	}{
		{name: "valid after conversion", schema: mapsSchema,
			params: []string{"keywords=coffee,tea", "base_location=NYC", "max_results=10", "include_reviews=true"},
			custom: `{"keywords":["coffee","tea"],"base_location":"NYC","max_results":10,"include_reviews":true}`},
		{name: "every problem in one error", schema: mapsSchema,
			params: []string{"base_location=NYC", "max_results=ten", "language=es"},
			err:    `the input does not match the schema of o~w: keywords: required; max_results: expected integer, got string "ten"; language: "es" is not one of "en", "de", "fr", "zh"`},
		{name: "raw JSON is not converted", schema: mapsSchema,
			params: []string{`keywords:=["a"]`, "base_location=x", `max_results:="10"`},
			err:    `the input does not match the schema of o~w: max_results: expected integer, got string "10"`},
		{name: "unknown fields warn with a guess", schema: mapsSchema,
			params:   []string{"keywords=a", "base_location=x", "max_result=5", "Language=de", "zzz=1"},
			warnings: `the schema of o~w does not declare the fields "max_result" (did you mean "max_results"?), "Language" (did you mean "language"?), "zzz"; sent as given`,
			custom:   `{"keywords":["a"],"base_location":"x","max_result":"5","Language":"de","zzz":"1"}`},
		{name: "no input: required fields missing", schema: mapsSchema, noInput: true,
			err: "the input does not match the schema of o~w: keywords: required; base_location: required"},
		{name: "no input, nothing required", schema: `{"properties":[{"name":"a","type":"string"}]}`, noInput: true},
		{name: "uninterpretable schema warns", schema: `{"properties":"oops"}`, params: []string{"a=1"},
			warnings: "cannot interpret the input schema of o~w (its properties are a string, not a list or an object); the input is not checked",
			custom:   `{"a":"1"}`},
		{name: "schema the validator refuses warns", schema: `{"type":"object","properties":{"a":{"$ref":"https://example.com/x.json"}}}`, params: []string{"a=1"},
			warnings: "cannot interpret the input schema of o~w (it refers to https://example.com/x.json, which the CLI does not load); the input is not checked",
			custom:   `{"a":"1"}`},
		{name: "fetch failure warns", fetchErr: &api.Error{HTTPStatus: 404, Code: 11004, Message: "not found", RequestID: "req-1"}, params: []string{"a=1"},
			warnings: "cannot read the input schema of o~w (not found (HTTP 404, code 11004, request req-1)); the input is not checked",
			custom:   `{"a":"1"}`},
		{name: "unknown type warns when the field is given", schema: `{"properties":[{"name":"f","type":"file"}]}`, params: []string{"f=x"},
			warnings: `the input schema of o~w: field "f": its type "file" is not one the CLI knows; that field's type is not checked`,
			custom:   `{"f":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, _ := fakeSource(t, tt.schema, tt.fetchErr)
			var in *input.Input
			if !tt.noInput {
				in = buildInput(t, tt.params...)
			}
			var warnings []string
			err := Check(context.Background(), src, "o~w", in, func(s string) { warnings = append(warnings, s) })
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
				var me *MismatchError
				if !errors.As(err, &me) {
					t.Errorf("error %T, want *MismatchError", err)
				}
			}
			if gotErr != tt.err {
				t.Errorf("error:\n got %s\nwant %s", gotErr, tt.err)
			}
			gotWarn := strings.Join(warnings, "\n")
			if gotWarn != tt.warnings {
				t.Errorf("warnings:\n got %s\nwant %s", gotWarn, tt.warnings)
			}
			if tt.custom != "" {
				got, _ := in.Custom.MarshalJSON()
				if string(got) != tt.custom {
					t.Errorf("custom = %s, want %s", got, tt.custom)
				}
			}
		})
	}
}

func TestCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src, _ := fakeSource(t, "", context.Canceled)
	err := Check(ctx, src, "o~w", nil, func(s string) { t.Errorf("warning %q", s) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestSourceCaches(t *testing.T) {
	src, n := fakeSource(t, mapsSchema, nil)
	for i := 0; i < 3; i++ {
		if _, err := src.Load(context.Background(), "o~w"); err != nil {
			t.Fatal(err)
		}
	}
	if *n != 1 {
		t.Errorf("fetched %d times, want 1", *n)
	}
	if _, err := src.Refresh(context.Background(), "o~w"); err != nil || *n != 2 {
		t.Errorf("Refresh: fetched %d times, err %v", *n, err)
	}
	failing, m := fakeSource(t, "", errors.New("boom"))
	for i := 0; i < 2; i++ {
		if _, err := failing.Load(context.Background(), "o~w"); err == nil {
			t.Fatal("no error")
		}
	}
	if *m != 2 {
		t.Errorf("a failure was cached: fetched %d times, want 2", *m)
	}
}

func TestUserCacheDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the cases use Unix absolute paths")
	}
	env := func(kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	tests := []struct {
		goos   string
		lookup func(string) (string, bool)
		want   string
	}{
		{"linux", env("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u"), "/x/cache"},
		{"linux", env("XDG_CACHE_HOME", "relative", "HOME", "/home/u"), "/home/u/.cache"},
		{"linux", env("HOME", "/home/u"), "/home/u/.cache"},
		{"linux", env(), ""},
		{"darwin", env("HOME", "/Users/u", "XDG_CACHE_HOME", "/x"), "/Users/u/Library/Caches"},
		{"windows", env("LocalAppData", "/c/Users/u/AppData/Local"), "/c/Users/u/AppData/Local"},
		{"windows", env("HOME", "/home/u"), ""},
	}
	for _, tt := range tests {
		if got := userCacheDir(tt.goos, tt.lookup); got != filepath.FromSlash(tt.want) {
			t.Errorf("%s: userCacheDir = %q, want %q", tt.goos, got, tt.want)
		}
	}
	now := time.Now
	if c := UserCache(env("CORECLAW_CACHE_DIR", "/c", "XDG_CACHE_HOME", "/x", "HOME", "/h"), now); c == nil || c.Dir != filepath.FromSlash("/c/input-schemas") {
		t.Errorf("CORECLAW_CACHE_DIR: %+v", c)
	}
	if c := UserCache(env(), now); c != nil {
		t.Errorf("no environment: %+v, want no cache", c)
	}
}

// TestErrorsCarryTheirExitCodeAndHint: schema does not import cmdutil; its
// errors say what they are, and cmdutil's one mapping reads it. A mismatch
// is a usage mistake (exit 2) with the schema hint; a schema the API does
// not have keeps the API error's exit code (1) with the search hint.
func TestErrorsCarryTheirExitCodeAndHint(t *testing.T) {
	src, _ := fakeSource(t, mapsSchema, nil)
	err := Check(context.Background(), src, "o~w", buildInput(t, "max_results=ten"), func(string) {})
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
		t.Errorf("mismatch: exit %d, want 2", code)
	}
	msg, hint := cmdutil.Describe(err)
	if !strings.HasPrefix(msg, "the input does not match the schema of o~w: ") ||
		hint != "`coreclaw workers schema o~w` lists the fields; --no-validate skips this check" {
		t.Errorf("mismatch: %q / %q", msg, hint)
	}

	notFound := &api.Error{HTTPStatus: 404, Code: 11004, Message: "not found", RequestID: "req-1"}
	err = ReadError("o~w", notFound)
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitFailure {
		t.Errorf("no schema: exit %d, want 1", code)
	}
	msg, hint = cmdutil.Describe(err)
	if msg != "no input schema for o~w: the Worker does not exist, or has none: not found (HTTP 404, code 11004, request req-1)" ||
		hint != "`coreclaw workers search KEYWORD` finds Workers in the Store" {
		t.Errorf("no schema: %q / %q", msg, hint)
	}
	if !errors.Is(err, notFound) {
		t.Error("no schema: the API error is not in the chain")
	}
	other := &api.Error{HTTPStatus: 500, Code: 1, Message: "boom"}
	if got := ReadError("o~w", other); got != error(other) {
		t.Errorf("ReadError changed a server error: %v", got)
	}
}
