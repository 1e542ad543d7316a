package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// files serves input files from memory through Env.Open.
func files(m map[string]string) func(string) (fs.File, error) {
	mfs := fstest.MapFS{}
	for name, data := range m {
		mfs[name] = &fstest.MapFile{Data: []byte(data), Mode: 0o644}
	}
	return func(name string) (fs.File, error) { return mfs.Open(name) }
}

func fromStringKeys(in *Input) string {
	var keys []string
	for k, v := range in.FromString {
		if v {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

const flat = `{
  "keywords": ["coffee"],
  "base_location": "New York,USA",
  "max_results": 2
}`

func TestBuild(t *testing.T) {
	fileSys := map[string]string{
		"flat.json":              flat,
		"wrapped.json":           `{"parameters": {"custom": {"keywords": ["coffee"], "max_results": 1}, "system": {"proxy_region": "US"}}}`,
		"bom.json":               "\xef\xbb\xbf{\"a\": 1}",
		"full.json":              `{"parameters": {"system": {"memory": 1024}, "extra": {"x": 1}, "custom": {"q": "a"}}, "version_hint": "v1"}`,
		"nullparts.json":         `{"parameters": {"custom": null, "system": null}}`,
		"params-not-object.json": `{"parameters": "p", "a": 1}`,
		"crlf.json":              "{\r\n  \"a\": 1,\r\n  \"b\": [1, 2]\r\n}\r\n",
		"html.json":              `{"s": "<b>&amp;</b>", "u": "咖啡"}`,
	}
	tests := []struct {
		name       string
		src        Sources
		stdin      string
		want       string // JSON() of the result
		fromString string // keys of FromString, sorted, comma-separated
	}{
		{"flat file, key order kept", Sources{File: "flat.json"}, "",
			`{"parameters":{"custom":{"keywords":["coffee"],"base_location":"New York,USA","max_results":2}}}`, ""},
		{"stdin", Sources{File: "-"}, flat,
			`{"parameters":{"custom":{"keywords":["coffee"],"base_location":"New York,USA","max_results":2}}}`, ""},
		{"inline", Sources{Inline: `{"b":2,"a":1}`, HasInline: true}, "",
			`{"parameters":{"custom":{"b":2,"a":1}}}`, ""},
		{"layering: file, --input, then -p in order", Sources{File: "flat.json", Inline: `{"max_results":3,"extra":true}`, HasInline: true,
			Params: []string{"max_results:=4", "language=de", "language=fr"}}, "",
			`{"parameters":{"custom":{"keywords":["coffee"],"base_location":"New York,USA","max_results":4,"extra":true,"language":"fr"}}}`, "language"},
		{"-p string and raw JSON", Sources{Params: []string{"n=10", "m:=10", `list:=["a","b"]`, `obj:={"x": [1, 2]}`, "empty=", "eq=a=b"}}, "",
			`{"parameters":{"custom":{"n":"10","m":10,"list":["a","b"],"obj":{"x":[1,2]},"empty":"","eq":"a=b"}}}`, "empty,eq,n"},
		{"wrapped document, -p into custom", Sources{File: "wrapped.json", Params: []string{`keywords:=["tea"]`}}, "",
			`{"parameters":{"custom":{"keywords":["tea"],"max_results":1},"system":{"proxy_region":"US"}}}`, ""},
		{"--system", Sources{Params: []string{"q=x"}, System: []string{"proxy_region=DE", "memory:=2048"}}, "",
			`{"parameters":{"custom":{"q":"x"},"system":{"proxy_region":"DE","memory":2048}}}`, "q"},
		{"--system alone gives an empty custom", Sources{System: []string{"cpus:=0.125"}}, "",
			`{"parameters":{"custom":{},"system":{"cpus":0.125}}}`, ""},
		{"--system over a wrapped document's system", Sources{File: "wrapped.json", System: []string{"proxy_region=FR", "memory:=512"}}, "",
			`{"parameters":{"custom":{"keywords":["coffee"],"max_results":1},"system":{"proxy_region":"FR","memory":512}}}`, ""},
		{"BOM ignored", Sources{File: "bom.json"}, "", `{"parameters":{"custom":{"a":1}}}`, ""},
		{"CRLF file", Sources{File: "crlf.json"}, "", `{"parameters":{"custom":{"a":1,"b":[1,2]}}}`, ""},
		{"no HTML escaping, unicode kept", Sources{File: "html.json"}, "", `{"parameters":{"custom":{"s":"<b>&amp;</b>","u":"咖啡"}}}`, ""},
		{"wrapped: other parameters and top-level members kept", Sources{File: "full.json"}, "",
			`{"parameters":{"custom":{"q":"a"},"system":{"memory":1024},"extra":{"x":1}},"version_hint":"v1"}`, ""},
		{"wrapped: null custom and system", Sources{File: "nullparts.json"}, "", `{"parameters":{"custom":{}}}`, ""},
		{"parameters that is not an object is a custom field", Sources{File: "params-not-object.json"}, "",
			`{"parameters":{"custom":{"parameters":"p","a":1}}}`, ""},
		{"wrapped file then flat --input", Sources{File: "wrapped.json", Inline: `{"max_results":5,"new":1}`, HasInline: true}, "",
			`{"parameters":{"custom":{"keywords":["coffee"],"max_results":5,"new":1},"system":{"proxy_region":"US"}}}`, ""},
		{"flat file then wrapped --input", Sources{File: "flat.json", Inline: `{"parameters":{"custom":{"max_results":9},"system":{"memory":4096}}}`, HasInline: true}, "",
			`{"parameters":{"custom":{"keywords":["coffee"],"base_location":"New York,USA","max_results":9},"system":{"memory":4096}}}`, ""},
		{"string then raw for the same key clears FromString", Sources{Params: []string{"n=1", "n:=1"}}, "",
			`{"parameters":{"custom":{"n":1}}}`, ""},
		{"raw then string for the same key sets FromString", Sources{Params: []string{"n:=1", "n=1"}}, "",
			`{"parameters":{"custom":{"n":"1"}}}`, "n"},
		{"--system strings are not custom FromString", Sources{System: []string{"proxy_region=DE"}}, "",
			`{"parameters":{"custom":{},"system":{"proxy_region":"DE"}}}`, ""},
		{"a repeated key in the file: first position, last value", Sources{Inline: `{"a":1,"b":2,"a":3}`, HasInline: true}, "",
			`{"parameters":{"custom":{"a":3,"b":2}}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := Env{Stdin: strings.NewReader(tt.stdin), Open: files(fileSys)}
			in, err := Build(tt.src, env)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got := string(in.JSON()); got != tt.want {
				t.Errorf("JSON():\n got %s\nwant %s", got, tt.want)
			}
			if got := fromStringKeys(in); got != tt.fromString {
				t.Errorf("FromString = %q, want %q", got, tt.fromString)
			}
		})
	}
}

func TestBuildNoSources(t *testing.T) {
	if !(Sources{}).Empty() {
		t.Fatal("Sources{} is not Empty")
	}
	for _, src := range []Sources{{File: "x"}, {HasInline: true}, {Params: []string{"a=b"}}, {System: []string{"a=b"}}} {
		if src.Empty() {
			t.Errorf("%+v reports Empty", src)
		}
	}
	in, err := Build(Sources{}, Env{})
	if in != nil || err != nil {
		t.Fatalf("Build(no sources) = %v, %v; want nil, nil", in, err)
	}
	if got := in.JSON(); got != nil {
		t.Errorf("nil Input JSON() = %s, want nil", got)
	}
	// --input given as "" is a source (and an error), not "no input".
	if _, err := Build(Sources{HasInline: true}, Env{}); err == nil || err.Error() != "input in --input is empty: expected a JSON object" {
		t.Errorf("--input '': %v", err)
	}
}

// FromString marks only fields last set by -p key=value: a JSON document
// layered later (which Build never does, as documents come first, but the
// bookkeeping must still hold) clears the keys it sets.
func TestFromStringClearedByLaterDocument(t *testing.T) {
	in, err := Build(Sources{Params: []string{"a=1", "b=2", "c=3", "d=4"}}, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fromStringKeys(in); got != "a,b,c,d" {
		t.Fatalf("FromString = %q", got)
	}
	if err := in.layer("doc", []byte(`{"a": 10}`)); err != nil {
		t.Fatal(err)
	}
	if got := fromStringKeys(in); got != "b,c,d" {
		t.Errorf("after a flat document: FromString = %q, want b,c,d", got)
	}
	if err := in.layer("doc", []byte(`{"parameters": {"custom": {"b": 20}, "system": {"c": 1}}}`)); err != nil {
		t.Fatal(err)
	}
	if got := fromStringKeys(in); got != "c,d" {
		t.Errorf("after a wrapped document: FromString = %q, want c,d (system keys do not count)", got)
	}
	if got := string(in.JSON()); got != `{"parameters":{"custom":{"a":10,"b":20,"c":"3","d":"4"},"system":{"c":1}}}` {
		t.Errorf("JSON() = %s", got)
	}
}

func TestBuildErrors(t *testing.T) {
	fileSys := map[string]string{
		"broken.json":              "{\n  \"keywords\": [\"coffee\"],\n  \"max_results\": 2,\n}\n",
		"array.json":               `["a"]`,
		"string.json":              `"x"`,
		"number.json":              `-12.5`,
		"bool.json":                `false`,
		"null.json":                `null`,
		"empty.json":               "",
		"blank.json":               " \n\t\r\n",
		"bomonly.json":             "\xef\xbb\xbf",
		"trailing.json":            `{"a": 1} x`,
		"trailing2.json":           "{\"a\": 1}\n\n  {\"b\": 2}",
		"wrong-custom.json":        `{"parameters": {"custom": ["x"]}}`,
		"wrong-system.json":        `{"parameters": {"system": "US"}}`,
		"utf8.json":                "{\n  \"a\": \"\xff\"\n}",
		"utf8-late.json":           "{\"名前\": \"値\", \"b\": \"\xc3\x28\"}",
		"crlf-err.json":            "{\r\n  \"a\": 1,\r\n  \"b\": tru\r\n}",
		"crlf-trailing-comma.json": "{\r\n  \"a\": 1,\r\n}\r\n",
		"multibyte.json":           "{\"名前\": \"咖啡\", \"x\": nope}",
		"emoji.json":               "{\n\"😀😀\": 1 2}",
		"truncated.json":           "{\"a\": [1, 2",
		"truncated-nl.json":        "{\"a\":\n",
		"bom-err.json":             "\xef\xbb\xbf{\"a\" 1}",
		"bad-number.json":          `{"a": 01}`,
		"bad-escape.json":          `{"a": "\q"}`,
		"nbsp-after.json":          "{\"a\": 1}\u00a0\n",
		"smart-quotes.json":        "{\n  “a”: 1\n}",
		"accent.json":              "{\"a\": é}",
		"c1.json":                  "{\"a\": \u0085}",
		"ff-after.json":            "{\"a\": 1}\n\f",
	}
	tests := []struct {
		name string
		src  Sources
		want string
	}{
		{"syntax error, multi-line", Sources{File: "broken.json"},
			"invalid JSON in broken.json at line 4, column 1: invalid character '}' looking for beginning of object key string"},
		{"array", Sources{File: "array.json"}, "input in array.json must be a JSON object, not an array"},
		{"string", Sources{File: "string.json"}, "input in string.json must be a JSON object, not a string"},
		{"number", Sources{File: "number.json"}, "input in number.json must be a JSON object, not a number"},
		{"boolean", Sources{File: "bool.json"}, "input in bool.json must be a JSON object, not a boolean"},
		{"null", Sources{File: "null.json"}, "input in null.json must be a JSON object, not null"},
		{"empty file", Sources{File: "empty.json"}, "input in empty.json is empty: expected a JSON object"},
		{"blank file", Sources{File: "blank.json"}, "input in blank.json is empty: expected a JSON object"},
		{"BOM only", Sources{File: "bomonly.json"}, "input in bomonly.json is empty: expected a JSON object"},
		{"trailing data", Sources{File: "trailing.json"}, "invalid JSON in trailing.json at line 1, column 10: unexpected data after the JSON value"},
		{"second document on a later line", Sources{File: "trailing2.json"}, "invalid JSON in trailing2.json at line 3, column 3: unexpected data after the JSON value"},
		{"custom not an object", Sources{File: "wrong-custom.json"}, "wrong-custom.json: parameters.custom must be a JSON object"},
		{"system not an object", Sources{File: "wrong-system.json"}, "wrong-system.json: parameters.system must be a JSON object"},
		{"invalid UTF-8", Sources{File: "utf8.json"}, "input in utf8.json is not valid UTF-8 (line 2, column 9)"},
		{"invalid UTF-8 after multi-byte characters", Sources{File: "utf8-late.json"}, "input in utf8-late.json is not valid UTF-8 (line 1, column 19)"},
		{"CRLF: error on line 3", Sources{File: "crlf-err.json"}, "invalid JSON in crlf-err.json at line 3, column 11: invalid character '\\r' in literal true (expecting 'e')"},
		{"CRLF: trailing comma", Sources{File: "crlf-trailing-comma.json"}, "invalid JSON in crlf-trailing-comma.json at line 3, column 1: invalid character '}' looking for beginning of object key string"},
		{"multi-byte characters before the error count once", Sources{File: "multibyte.json"}, "invalid JSON in multibyte.json at line 1, column 20: invalid character 'o' in literal null (expecting 'u')"},
		{"emoji before the error", Sources{File: "emoji.json"}, "invalid JSON in emoji.json at line 2, column 9: invalid character '2' after object key:value pair"},
		{"truncated", Sources{File: "truncated.json"}, "invalid JSON in truncated.json at line 1, column 12: unexpected end of input"},
		{"truncated after a newline", Sources{File: "truncated-nl.json"}, "invalid JSON in truncated-nl.json at line 2, column 1: unexpected end of input"},
		{"BOM not counted in the column", Sources{File: "bom-err.json"}, "invalid JSON in bom-err.json at line 1, column 6: invalid character '1' after object key"},
		{"leading zero", Sources{File: "bad-number.json"}, "invalid JSON in bad-number.json at line 1, column 8: invalid character '1' after object key:value pair"},
		{"bad escape", Sources{File: "bad-escape.json"}, "invalid JSON in bad-escape.json at line 1, column 9: invalid character 'q' in string escape code"},
		{"non-JSON space after the object", Sources{File: "nbsp-after.json"}, "invalid JSON in nbsp-after.json at line 1, column 9: unexpected data after the JSON value"},
		{"form feed after the object", Sources{File: "ff-after.json"}, "invalid JSON in ff-after.json at line 2, column 1: unexpected data after the JSON value"},
		{"smart quotes named as typed", Sources{File: "smart-quotes.json"}, "invalid JSON in smart-quotes.json at line 2, column 3: invalid character '“' looking for beginning of object key string"},
		{"accented letter named as typed", Sources{File: "accent.json"}, "invalid JSON in accent.json at line 1, column 7: invalid character 'é' looking for beginning of value"},
		{"C1 control escaped", Sources{File: "c1.json"}, "invalid JSON in c1.json at line 1, column 7: invalid character '\\u0085' looking for beginning of value"},
		{"inline syntax error", Sources{Inline: `{"a":`, HasInline: true}, "invalid JSON in --input at line 1, column 6: unexpected end of input"},
		{"inline array", Sources{Inline: `[]`, HasInline: true}, "input in --input must be a JSON object, not an array"},
		{"stdin syntax error", Sources{File: "-"}, "invalid JSON in stdin at line 1, column 2: invalid character 'x' looking for beginning of object key string"},
		{"missing file", Sources{File: "missing.json"}, "input file missing.json does not exist"},
		{"bad -p", Sources{File: "array.json", Params: []string{"x"}}, "input in array.json must be a JSON object, not an array"},
		{"-p without =", Sources{Params: []string{"novalue"}}, `invalid -p "novalue": expected key=value or key:=JSON`},
		{"--system without =", Sources{System: []string{"nokey"}}, `invalid --system "nokey": expected key=value or key:=JSON`},
		{"--system bad JSON", Sources{System: []string{"memory:=12x"}}, "invalid JSON in --system memory:= at column 3: unexpected data after the JSON value"},
		{"a later error stops the build", Sources{Inline: `{}`, HasInline: true, Params: []string{"a=1", "=b"}}, `invalid -p "=b": the key is empty or has surrounding spaces`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := Env{Stdin: strings.NewReader("{x}"), Open: files(fileSys)}
			in, err := Build(tt.src, env)
			if err == nil {
				t.Fatalf("Build = %s, want error %q", in.JSON(), tt.want)
			}
			if in != nil {
				t.Errorf("Build returned an input with the error")
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %q\nwant %q", err, tt.want)
			}
		})
	}
}

// fakeFile is an fs.File of any size, made up as it is read.
type fakeFile struct {
	r    io.Reader
	info fakeInfo
}

func (f *fakeFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *fakeFile) Close() error               { return nil }
func (f *fakeFile) Stat() (fs.FileInfo, error) { return f.info, nil }

type fakeInfo struct {
	size int64
	mode fs.FileMode
	err  error
}

func (i fakeInfo) Name() string       { return "fake" }
func (i fakeInfo) Size() int64        { return i.size }
func (i fakeInfo) Mode() fs.FileMode  { return i.mode }
func (i fakeInfo) ModTime() time.Time { return time.Time{} }
func (i fakeInfo) IsDir() bool        { return i.mode.IsDir() }
func (i fakeInfo) Sys() any           { return nil }

// spaces produces n spaces without holding them.
func spaces(n int64) io.Reader { return io.LimitReader(repeatByte(' '), n) }

type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	// Doubling copies: fast even under the race detector.
	p[0] = byte(b)
	for n := 1; n < len(p); n *= 2 {
		copy(p[n:], p[:n])
	}
	return len(p), nil
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("device gone") }

type statFails struct{ fakeFile }

func (statFails) Stat() (fs.FileInfo, error) { return nil, errors.New("stat broke") }

func TestReadSourceLimitsAndFailures(t *testing.T) {
	open := func(f fs.File, err error) func(string) (fs.File, error) {
		return func(string) (fs.File, error) { return f, err }
	}
	tests := []struct {
		name string
		src  Sources
		env  Env
		want string
	}{
		{"regular file whose size says too big", Sources{File: "big.json"},
			Env{Open: open(&fakeFile{r: strings.NewReader("{}"), info: fakeInfo{size: MaxSize + 1}}, nil)},
			"input file big.json is larger than 10 MiB"},
		{"pipe that turns out too big", Sources{File: "/dev/fd/3"},
			Env{Open: open(&fakeFile{r: spaces(MaxSize + 1), info: fakeInfo{mode: fs.ModeNamedPipe}}, nil)},
			"input file /dev/fd/3 is larger than 10 MiB"},
		{"stdin too big", Sources{File: "-"}, Env{Stdin: spaces(MaxSize + 1)},
			"input from stdin is larger than 10 MiB"},
		{"no stdin", Sources{File: "-"}, Env{}, "-f -: no standard input"},
		{"stdin read error", Sources{File: "-"}, Env{Stdin: failingReader{}}, "reading input from stdin: device gone"},
		{"file read error", Sources{File: "f.json"},
			Env{Open: open(&fakeFile{r: failingReader{}, info: fakeInfo{size: 3}}, nil)},
			"input file f.json cannot be read: device gone"},
		{"stat error", Sources{File: "f.json"}, Env{Open: open(&statFails{}, nil)},
			"input file f.json cannot be read: stat broke"},
		{"directory", Sources{File: "adir"},
			Env{Open: open(&fakeFile{r: strings.NewReader(""), info: fakeInfo{mode: fs.ModeDir | 0o755}}, nil)},
			"input file adir is a directory"},
		{"not found", Sources{File: "nope.json"}, Env{Open: open(nil, fmt.Errorf("open nope.json: %w", fs.ErrNotExist))},
			"input file nope.json does not exist"},
		{"permission denied", Sources{File: "secret.json"}, Env{Open: open(nil, &fs.PathError{Op: "open", Path: "secret.json", Err: fs.ErrPermission})},
			"input file secret.json cannot be read: permission denied"},
		{"other open error", Sources{File: "x.json"}, Env{Open: open(nil, errors.New("too many open files"))},
			"input file x.json cannot be read: too many open files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.src, tt.env)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

// Exactly MaxSize bytes are read in full (parsing them is left out: it
// is slow under the race detector and tests nothing more).
func TestReadSourceMaxSize(t *testing.T) {
	env := Env{Open: func(string) (fs.File, error) {
		return &fakeFile{r: spaces(MaxSize), info: fakeInfo{size: MaxSize}}, nil
	}}
	data, err := readSource("f.json", env)
	if err != nil || len(data) != MaxSize {
		t.Errorf("readSource of MaxSize bytes: %d bytes, %v", len(data), err)
	}
}

// Without Env.Open, files come from the real file system.
func TestBuildRealFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "in.json")
	if err := os.WriteFile(p, []byte(`{"k":"v"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := Build(Sources{File: p}, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(in.JSON()); got != `{"parameters":{"custom":{"k":"v"}}}` {
		t.Errorf("JSON() = %s", got)
	}
	missing := filepath.Join(dir, "missing.json")
	if _, err := Build(Sources{File: missing}, Env{}); err == nil || err.Error() != "input file "+missing+" does not exist" {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Build(Sources{File: dir}, Env{}); err == nil || err.Error() != "input file "+dir+" is a directory" {
		t.Errorf("directory: %v", err)
	}
}

func TestParseAssignment(t *testing.T) {
	tests := []struct {
		in         string
		key, value string
		fromString bool
	}{
		{"a=b", "a", `"b"`, true},
		{"a=", "a", `""`, true},
		{"eq=a=b", "eq", `"a=b"`, true},
		{"n=10", "n", `"10"`, true},
		{"t=true", "t", `"true"`, true},
		{"url=https://x.test/?a=1&b=<2>", "url", `"https://x.test/?a=1&b=<2>"`, true},
		{"multi=line\nbreak\ttab", "multi", `"line\nbreak\ttab"`, true},
		{`q=say "hi"`, "q", `"say \"hi\""`, true},
		{"名=値", "名", `"値"`, true},
		{"a:b=c", "a:b", `"c"`, true},
		{"v= spaced ", "v", `" spaced "`, true},
		{"n:=10", "n", `10`, false},
		{"n:=1.50", "n", `1.50`, false},
		{"n:=9007199254740993", "n", `9007199254740993`, false},
		{"n:= 10 ", "n", `10`, false},
		{"b:=false", "b", `false`, false},
		{"z:=null", "z", `null`, false},
		{`s:="x"`, "s", `"x"`, false},
		{`list:=["a", "b"]`, "list", `["a","b"]`, false},
		{"obj:={ \"x\" : [1, 2],\n \"y\": {} }", "obj", `{"x":[1,2],"y":{}}`, false},
		{`h:="<&>"`, "h", `"<&>"`, false},
		{"a::=1", "a:", `1`, false},
		{"a:=x=y", "", "", false}, // invalid JSON: checked below
	}
	for _, tt := range tests {
		if tt.key == "" {
			continue
		}
		key, value, fromString, err := ParseAssignment("-p", tt.in)
		if err != nil {
			t.Errorf("ParseAssignment(%q): %v", tt.in, err)
			continue
		}
		if key != tt.key || string(value) != tt.value || fromString != tt.fromString {
			t.Errorf("ParseAssignment(%q) = %q, %s, %v; want %q, %s, %v", tt.in, key, value, fromString, tt.key, tt.value, tt.fromString)
		}
	}
}

func TestParseAssignmentErrors(t *testing.T) {
	tests := []struct {
		flag, in, want string
	}{
		{"-p", "novalue", `invalid -p "novalue": expected key=value or key:=JSON`},
		{"-p", "", `invalid -p "": expected key=value or key:=JSON`},
		{"--system", "a:b", `invalid --system "a:b": expected key=value or key:=JSON`},
		{"-p", "=x", `invalid -p "=x": the key is empty or has surrounding spaces`},
		{"-p", ":=1", `invalid -p ":=1": the key is empty or has surrounding spaces`},
		{"-p", " a=1", `invalid -p " a=1": the key is empty or has surrounding spaces`},
		{"-p", "a =1", `invalid -p "a =1": the key is empty or has surrounding spaces`},
		{"-p", "a :=1", `invalid -p "a :=1": the key is empty or has surrounding spaces`},
		{"-p", "\ta=1", `invalid -p "\ta=1": the key is empty or has surrounding spaces`},
		{"-p", "a\x01b=1", `invalid -p "a\x01b=1": the key contains a control character`},
		{"-p", "a\x7f=1", `invalid -p "a\x7f=1": the key contains a control character`},
		{"-p", "a\nb=1", `invalid -p "a\nb=1": the key contains a control character`},
		{"-p", "a=\xff", `invalid -p "a=\xff": not valid UTF-8`},
		{"-p", "\xffa=1", `invalid -p "\xffa=1": not valid UTF-8`},
		{"-p", "n:=", "invalid JSON in -p n:=: the value is empty"},
		{"-p", "n:=  ", "invalid JSON in -p n:=: the value is empty"},
		{"-p", "n:=[1,", "invalid JSON in -p n:= at column 4: unexpected end of input"},
		{"-p", "n:=trux", "invalid JSON in -p n:= at column 4: invalid character 'x' in literal true (expecting 'e')"},
		{"-p", "n:=1 2", "invalid JSON in -p n:= at column 3: unexpected data after the JSON value"},
		{"-p", "a:=x=y", "invalid JSON in -p a:= at column 1: invalid character 'x' looking for beginning of value"},
		{"-p", "s:=abc", "invalid JSON in -p s:= at column 1: invalid character 'a' looking for beginning of value"},
		{"-p", `s:="咖啡`, "invalid JSON in -p s:= at column 4: unexpected end of input"},
		{"-p", "s:=’x’", "invalid JSON in -p s:= at column 1: invalid character '’' looking for beginning of value"},
		{"--system", "m:={\"a\":\n}", "invalid JSON in --system m:= at line 2, column 1: invalid character '}' looking for beginning of value"},
	}
	for _, tt := range tests {
		key, value, fromString, err := ParseAssignment(tt.flag, tt.in)
		if err == nil {
			t.Errorf("ParseAssignment(%q, %q) = %q, %s, %v; want error %q", tt.flag, tt.in, key, value, fromString, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseAssignment(%q, %q) error:\n got %q\nwant %q", tt.flag, tt.in, err, tt.want)
		}
		if key != "" || value != nil || fromString {
			t.Errorf("ParseAssignment(%q, %q) returned values with the error", tt.flag, tt.in)
		}
	}
}

func TestPosition(t *testing.T) {
	tests := []struct {
		data      string
		offset    int
		line, col int
	}{
		{"", 1, 1, 1},
		{"abc", 1, 1, 1},
		{"abc", 3, 1, 3},
		{"abc", 4, 1, 4},
		{"abc", 99, 1, 4}, // clamped to just past the end
		{"abc", 0, 1, 1},  // clamped to the start
		{"a\nb", 3, 2, 1},
		{"a\r\nb", 4, 2, 1},
		{"ab\ncd\nef", 8, 3, 2},
		{"咖啡x", 7, 1, 3},
		{"\n\n", 3, 3, 1},
	}
	for _, tt := range tests {
		line, col := position([]byte(tt.data), tt.offset)
		if line != tt.line || col != tt.col {
			t.Errorf("position(%q, %d) = %d:%d, want %d:%d", tt.data, tt.offset, line, col, tt.line, tt.col)
		}
	}
}

func TestInvalidUTF8Offset(t *testing.T) {
	tests := []struct {
		data string
		want int
	}{
		{"\xff", 1},
		{"ab\xff", 3},
		{"咖\xff", 4},
		{"a\xe5\x95", 2},
	}
	for _, tt := range tests {
		if got := invalidUTF8Offset([]byte(tt.data)); got != tt.want {
			t.Errorf("invalidUTF8Offset(%q) = %d, want %d", tt.data, got, tt.want)
		}
	}
	// (Only called on invalid data; valid data gives its length.)
	if got := invalidUTF8Offset([]byte("abc")); got != 3 {
		t.Errorf("invalidUTF8Offset(valid) = %d", got)
	}
}
