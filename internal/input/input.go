// Package input builds a run's input from a file, stdin, inline JSON and
// -p/--system flags (CONTRACT §2): it layers the sources in order and wraps
// the result as {"parameters":{"custom":…,"system":…}}.
package input

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coreclaw/coreclaw/internal/ctxread"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/text"
)

// MaxSize bounds an input document. Worker inputs are small; anything this
// large is a mistake (a results file passed as input, say).
const MaxSize = 10 << 20

// Sources are the input flags of one command.
type Sources struct {
	File      string   // -f: a path, or "-" for stdin; "" for none
	Inline    string   // --input
	HasInline bool     // --input was given (it may be given as "")
	Params    []string // -p, in order
	System    []string // --system, in order
	MaxCharge string   // --max-charge: parameters.system.max_total_charge
}

// Empty reports that no input flag was given.
func (s Sources) Empty() bool {
	return s.File == "" && !s.HasInline && len(s.Params) == 0 && len(s.System) == 0 && s.MaxCharge == ""
}

// Env is what reading the sources needs.
type Env struct {
	// Context interrupts reading stdin or a file (Ctrl-C while a producer
	// or a FIFO has not finished); nil: reading is not interrupted.
	Context context.Context
	Stdin   io.Reader
	// Open opens a file; os.Open when nil.
	Open func(string) (fs.File, error)
	// Warn receives warnings (unknown run settings); nil drops them.
	Warn func(string)
}

// Input is the layered input, before it is wrapped.
type Input struct {
	Custom *jsonobj.Object
	System *jsonobj.Object
	// Params are other members of a wrapped document's "parameters".
	Params *jsonobj.Object
	// Top are other top-level members of a wrapped document.
	Top *jsonobj.Object
	// FromString marks custom fields last set by -p key=value: their
	// value is a string the user did not type as JSON, so a schema may
	// convert it to the declared type.
	FromString map[string]bool
}

// Build reads and layers the sources. It returns nil when there are none.
// Every error is the user's to fix and names the source.
func Build(src Sources, env Env) (*Input, error) {
	if src.Empty() {
		return nil, nil
	}
	in := &Input{
		Custom: &jsonobj.Object{}, System: &jsonobj.Object{}, Params: &jsonobj.Object{}, Top: &jsonobj.Object{},
		FromString: map[string]bool{},
	}
	if src.File != "" {
		name := src.File
		data, err := readSource(src.File, env)
		if err != nil {
			return nil, err
		}
		if name == "-" {
			name = "stdin"
		}
		if err := in.layer(name, data); err != nil {
			return nil, err
		}
	}
	if src.HasInline {
		if err := in.layer("--input", []byte(src.Inline)); err != nil {
			return nil, err
		}
	}
	for _, p := range src.Params {
		key, value, fromString, err := ParseAssignment("-p", p)
		if err != nil {
			return nil, err
		}
		in.Custom.Set(key, value)
		if fromString {
			in.FromString[key] = true
		} else {
			delete(in.FromString, key)
		}
	}
	systemFromString := map[string]bool{}
	for _, p := range src.System {
		key, value, fromString, err := ParseAssignment("--system", p)
		if err != nil {
			return nil, err
		}
		in.System.Set(key, value)
		systemFromString[key] = fromString
	}
	if src.MaxCharge != "" {
		if _, ok := systemFromString["max_total_charge"]; ok {
			return nil, errors.New("--max-charge and --system max_total_charge both set the spending cap: give one")
		}
		value, err := maxCharge(src.MaxCharge)
		if err != nil {
			return nil, err
		}
		in.System.Set("max_total_charge", value)
	}
	if err := checkSystem(in.System, systemFromString, env.Warn); err != nil {
		return nil, err
	}
	return in, nil
}

// layer merges one document: a wrapped one ({"parameters":{…}}) by its
// custom and system parts, anything else as custom fields.
func (in *Input) layer(name string, data []byte) error {
	doc, err := parseDocument(name, data)
	if err != nil {
		return err
	}
	params, ok := doc.Get("parameters")
	if !ok || !isObject(params) {
		in.Custom.Merge(doc)
		for _, k := range doc.Keys() {
			delete(in.FromString, k)
		}
		return nil
	}
	p, err := jsonobj.Parse(params)
	if err != nil {
		return fmt.Errorf("%s: parameters: %v", name, err)
	}
	for _, m := range p.Members() {
		switch m.Key {
		case "custom", "system":
			if !isObject(m.Value) && string(m.Value) != "null" {
				return fmt.Errorf("%s: parameters.%s must be a JSON object", name, m.Key)
			}
			part, _ := jsonobj.Parse(m.Value)
			target := in.Custom
			if m.Key == "system" {
				target = in.System
			}
			target.Merge(part)
			if m.Key == "custom" {
				for _, k := range part.Keys() {
					delete(in.FromString, k)
				}
			}
		default:
			in.Params.Set(m.Key, m.Value)
		}
	}
	for _, m := range doc.Members() {
		if m.Key != "parameters" {
			in.Top.Set(m.Key, m.Value)
		}
	}
	return nil
}

// JSON wraps the input as the API wants it.
func (in *Input) JSON() json.RawMessage {
	if in == nil {
		return nil
	}
	params := &jsonobj.Object{}
	params.Set("custom", mustJSON(in.Custom))
	if in.System.Len() > 0 {
		params.Set("system", mustJSON(in.System))
	}
	params.Merge(in.Params)
	top := &jsonobj.Object{}
	top.Set("parameters", mustJSON(params))
	top.Merge(in.Top)
	return mustJSON(top)
}

func mustJSON(o *jsonobj.Object) json.RawMessage {
	b, _ := o.MarshalJSON()
	return b
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// InterruptedError is reading the input cut short by Ctrl-C or SIGTERM:
// nothing was sent. It unwraps to the context's error.
type InterruptedError struct {
	Source string // "stdin" or the file's path
	Err    error
}

func (e *InterruptedError) Error() string {
	return "interrupted while reading the input from " + e.Source + "; nothing was sent"
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// readSource reads -f's document. Opening and reading may block for good
// (a FIFO without a writer, a producer that has not finished), so they do
// not hold up an interrupt.
func readSource(path string, env Env) ([]byte, error) {
	if env.Context == nil {
		return readSourceBlocking(path, env)
	}
	data, err := ctxread.Do(env.Context, func() ([]byte, error) { return readSourceBlocking(path, env) })
	if err != nil && env.Context.Err() != nil {
		source := path
		if path == "-" {
			source = "stdin"
		}
		return nil, &InterruptedError{Source: source, Err: env.Context.Err()}
	}
	return data, err
}

func readSourceBlocking(path string, env Env) ([]byte, error) {
	if path == "-" {
		if env.Stdin == nil {
			return nil, errors.New("-f -: no standard input")
		}
		data, err := io.ReadAll(io.LimitReader(env.Stdin, MaxSize+1))
		if err != nil {
			return nil, fmt.Errorf("reading input from stdin: %v", err)
		}
		if len(data) > MaxSize {
			return nil, fmt.Errorf("input from stdin is larger than %d MiB", MaxSize>>20)
		}
		return data, nil
	}
	open := env.Open
	if open == nil {
		open = func(p string) (fs.File, error) { return os.Open(p) }
	}
	f, err := open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("input file %s does not exist", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("input file %s cannot be read: permission denied", path)
	case err != nil:
		return nil, fmt.Errorf("input file %s cannot be read: %v", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("input file %s cannot be read: %v", path, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("input file %s is a directory", path)
	}
	if info.Mode().IsRegular() && info.Size() > MaxSize {
		return nil, fmt.Errorf("input file %s is larger than %d MiB", path, MaxSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("input file %s cannot be read: %v", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("input file %s is larger than %d MiB", path, MaxSize>>20)
	}
	return data, nil
}

// parseDocument reads a JSON object and reports problems with the source
// name, line and column.
func parseDocument(name string, data []byte) (*jsonobj.Object, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from Windows editors
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		line, col := position(data, off)
		return nil, fmt.Errorf("input in %s is not valid UTF-8 (line %d, column %d)", name, line, col)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("input in %s is empty: expected a JSON object", name)
	}
	if se := syntaxCheck(data); se != nil {
		line, col := position(data, se.offset)
		return nil, fmt.Errorf("invalid JSON in %s at line %d, column %d: %s", name, line, col, se.msg)
	}
	obj, err := jsonobj.Parse(data)
	if errors.Is(err, jsonobj.ErrNotObject) {
		return nil, fmt.Errorf("input in %s must be a JSON object, not %s", name, text.JSONKind(data))
	}
	if err != nil {
		return nil, fmt.Errorf("invalid JSON in %s: %v", name, err)
	}
	return obj, nil
}

// syntaxError is a JSON syntax problem at a 1-based byte offset.
type syntaxError struct {
	offset int
	msg    string
}

func (e *syntaxError) Error() string { return e.msg }

// syntaxCheck finds the first syntax error and its offset; json.Valid does
// not say where, and trailing data needs its own check.
func syntaxCheck(data []byte) *syntaxError {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return &syntaxError{offset: int(se.Offset), msg: runeMessage(data, int(se.Offset), se.Error())}
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return &syntaxError{offset: len(data) + 1, msg: "unexpected end of input"}
		default:
			return &syntaxError{offset: len(data) + 1, msg: err.Error()}
		}
	}
	if off := int(dec.InputOffset()); trailing(data, int64(off)) {
		for off < len(data) && isSpace(data[off]) {
			off++
		}
		return &syntaxError{offset: off + 1, msg: "unexpected data after the JSON value"}
	}
	return nil
}

// runeMessage names the character at a 1-based offset as the user typed
// it: encoding/json quotes only its first byte, so a stray “ shows as 'â'.
func runeMessage(data []byte, offset int, msg string) string {
	i := offset - 1
	if i < 0 || i >= len(data) || data[i] < utf8.RuneSelf {
		return msg
	}
	r, _ := utf8.DecodeRune(data[i:])
	q := strconv.Quote(string(rune(data[i])))
	return strings.Replace(msg, "invalid character '"+q[1:len(q)-1]+"'", "invalid character "+strconv.QuoteRune(r), 1)
}

// trailing reports anything but JSON whitespace after off. (bytes.TrimSpace
// would also skip a no-break space or a form feed, which JSON does not
// allow; the error then came without its position.)
func trailing(data []byte, off int64) bool {
	for _, b := range data[off:] {
		if !isSpace(b) {
			return true
		}
	}
	return false
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// position turns a 1-based byte offset as json.SyntaxError reports it into
// a 1-based line and column (in characters).
func position(data []byte, offset int) (int, int) {
	if offset > len(data)+1 {
		offset = len(data) + 1
	}
	if offset < 1 {
		offset = 1
	}
	before := data[:offset-1]
	line := bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	col := utf8.RuneCount(before[lineStart:]) + 1
	return line, col
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i + 1
		}
		i += size
	}
	return len(data)
}

// ParseAssignment reads key=value (a string) or key:=JSON (a raw value).
// flag names the option in errors. fromString reports the key=value form.
func ParseAssignment(flag, s string) (key string, value json.RawMessage, fromString bool, err error) {
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		return "", nil, false, fmt.Errorf("invalid %s %q: expected key=value or key:=JSON", flag, s)
	}
	key, raw := s[:eq], s[eq+1:]
	rawJSON := strings.HasSuffix(key, ":")
	if rawJSON {
		key = strings.TrimSuffix(key, ":")
	}
	if key == "" || strings.TrimSpace(key) != key {
		return "", nil, false, fmt.Errorf("invalid %s %q: the key is empty or has surrounding spaces", flag, s)
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f {
			return "", nil, false, fmt.Errorf("invalid %s %q: the key contains a control character", flag, s)
		}
	}
	if !utf8.ValidString(s) {
		return "", nil, false, fmt.Errorf("invalid %s %q: not valid UTF-8", flag, s)
	}
	if !rawJSON {
		return key, jsonobj.String(raw), true, nil
	}
	name := fmt.Sprintf("%s %s:=", flag, key)
	if strings.TrimSpace(raw) == "" {
		return "", nil, false, fmt.Errorf("invalid JSON in %s: the value is empty", name)
	}
	if se := syntaxCheck([]byte(raw)); se != nil {
		line, col := position([]byte(raw), se.offset)
		if strings.Contains(raw, "\n") {
			// A value pasted over several lines: the column alone would
			// point into the wrong line.
			return "", nil, false, fmt.Errorf("invalid JSON in %s at line %d, column %d: %s", name, line, col, se.msg)
		}
		return "", nil, false, fmt.Errorf("invalid JSON in %s at column %d: %s", name, col, se.msg)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(raw)); err != nil {
		return "", nil, false, fmt.Errorf("invalid JSON in %s: %v", name, err)
	}
	return key, buf.Bytes(), false, nil
}
