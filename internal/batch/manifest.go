// Package batch runs one Worker over many inputs: the manifest that
// remembers which input line started which run, the scheduler that starts
// runs within a concurrency limit and the plan's, the shared poller that
// follows them, and the views that show how far the batch has got.
package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/coreclaw/coreclaw/internal/api"
)

// Entry states: what is known about an input line's start.
const (
	// StateStarting is written (and synced) before the start is sent: if
	// it is the line's last record, the start may or may not have
	// reached the API.
	StateStarting = "starting"
	// StateUncertain: the start was sent and the reply did not say
	// whether a run was created.
	StateUncertain = "uncertain"
	// StateStarted: the run's slug is known.
	StateStarted = "started"
	// StateQueued: the line is in the Run Queue (--queue).
	StateQueued = "queued"
	// StateNotStarted: the API refused the start; no run was created.
	StateNotStarted = "not_started"
)

// Entry is what the manifest knows about one input line. Each record the
// manifest holds is a whole Entry; a later record for the same line
// replaces the earlier ones.
type Entry struct {
	Line      int             `json:"line"`
	Worker    string          `json:"worker"`
	InputHash string          `json:"input_hash"`
	State     string          `json:"state"`
	Slug      string          `json:"slug,omitempty"`
	QueueRef  string          `json:"queue_ref,omitempty"`
	StartedAt string          `json:"started_at,omitempty"`
	Status    string          `json:"status,omitempty"`
	Results   *int64          `json:"results,omitempty"`
	Usage     string          `json:"usage,omitempty"`
	Error     string          `json:"error,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
}

// Uncertain reports a start that may or may not have created a run.
func (e *Entry) Uncertain() bool { return e.State == StateStarting || e.State == StateUncertain }

// HasRun reports a line that has a run (or a queue item) of its own.
func (e *Entry) HasRun() bool { return e.Slug != "" || e.QueueRef != "" }

// Ended reports a run whose status no longer changes by itself.
func (e *Entry) Ended() bool {
	st := api.Status(e.Status)
	return e.Slug != "" && st.Terminal()
}

// Manifest is the batch's record on disk: one JSON object a line,
// appended and synced before a start is sent and as soon as its reply
// (and later each status change) is known.
type Manifest struct {
	path    string
	file    *os.File
	entries map[int]*Entry
	// Warnings are what reading found and forgave (a torn last record).
	Warnings []string
	// Redact hides secrets in the server's text before it is written
	// (an error message or a failed run's reason that echoes the key);
	// nil writes it as it is.
	Redact func(string) string
}

// DefaultPath is the manifest beside an input file: INPUTS.runs.jsonl.
func DefaultPath(inputFile string) string {
	return inputFile + ".runs.jsonl"
}

// maxRecord bounds one manifest record (an input line and its state).
const maxRecord = 16 << 20

// errLocked: another process has the manifest open for writing.
var errLocked = errors.New("locked")

// ErrInUse is returned (wrapped) by Open when another process has the
// manifest open for writing.
var ErrInUse = errors.New("manifest in use")

type inUseError struct{ path string }

func (e *inUseError) Error() string {
	return fmt.Sprintf("the manifest %s is in use by another coreclaw (a batch run, wait or abort on it); let that one end first", e.path)
}
func (e *inUseError) Unwrap() error { return ErrInUse }

// Open reads the manifest at path (missing: empty, when create) and opens
// it for appending, locked against other writers. A last record cut short
// by a crash is dropped and cut off the file; any other record that cannot
// be read is an error.
func Open(path string, create bool) (*Manifest, error) {
	m := &Manifest{path: path, entries: map[int]*Entry{}}
	flags := os.O_RDWR
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no manifest at %s", path)
		}
		return nil, fmt.Errorf("cannot open the manifest: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &inUseError{path: path}
		}
		return nil, fmt.Errorf("cannot lock the manifest %s: %w", path, err)
	}
	good, err := m.read(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot repair the manifest %s: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	m.file = f
	if create {
		syncDir(filepath.Dir(path))
	}
	return m, nil
}

// Read reads the manifest at path without opening it for writing: for
// the verbs that only look (status, results), which may run while a batch
// appends to it. A torn last record is ignored and left in place.
func Read(path string) (*Manifest, error) {
	m := &Manifest{path: path, entries: map[int]*Entry{}}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no manifest at %s", path)
		}
		return nil, fmt.Errorf("cannot open the manifest: %w", err)
	}
	defer f.Close()
	if _, err := m.read(f); err != nil {
		return nil, err
	}
	return m, nil
}

// read loads the records and returns the length of the part of the file
// that holds whole records.
func (m *Manifest) read(f *os.File) (int64, error) {
	r := bufio.NewReaderSize(f, 64<<10)
	var good int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > maxRecord {
			return 0, fmt.Errorf("the manifest %s: record %d is longer than %d bytes", m.path, n, maxRecord)
		}
		complete := err == nil
		if err != nil && err != io.EOF {
			return 0, fmt.Errorf("cannot read the manifest %s: %w", m.path, err)
		}
		text := bytes.TrimSpace(line)
		if len(text) > 0 {
			var e Entry
			decodeErr := json.Unmarshal(text, &e)
			if decodeErr == nil && e.Line < 1 {
				decodeErr = errors.New("no line number")
			}
			if decodeErr != nil || !complete {
				if !complete {
					// The last record, cut short by a crash mid-write:
					// what it would have said is not known yet.
					m.Warnings = append(m.Warnings, fmt.Sprintf("the manifest's last record (record %d) was cut short, as by a crash while it was written; it is ignored", n))
					return good, nil
				}
				return 0, fmt.Errorf("the manifest %s: record %d is not a batch record (%v)", m.path, n, decodeErr)
			}
			m.entries[e.Line] = &e
		}
		good += int64(len(line))
		if !complete {
			return good, nil
		}
	}
}

// Path is where the manifest is.
func (m *Manifest) Path() string { return m.path }

// Get returns the entry of an input line, or nil.
func (m *Manifest) Get(line int) *Entry { return m.entries[line] }

// Entries returns every entry, by line number.
func (m *Manifest) Entries() []*Entry {
	out := make([]*Entry, 0, len(m.entries))
	for _, e := range m.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// Worker is the Worker the manifest's runs belong to ("" when empty).
func (m *Manifest) Worker() string {
	for _, e := range m.Entries() {
		return e.Worker
	}
	return ""
}

// Claimed is the set of run slugs the manifest knows.
func (m *Manifest) Claimed() map[string]bool {
	out := map[string]bool{}
	for _, e := range m.entries {
		if e.Slug != "" {
			out[e.Slug] = true
		}
	}
	return out
}

// Record appends e as the line's newest record and syncs the file before
// it returns: once Record has returned, a crash cannot lose it.
func (m *Manifest) Record(e Entry) error {
	if m.file == nil {
		return errors.New("the manifest was opened for reading only")
	}
	if m.Redact != nil {
		e.Error, e.Status, e.Usage = m.Redact(e.Error), m.Redact(e.Status), m.Redact(e.Usage)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := m.file.Write(b); err != nil {
		return fmt.Errorf("cannot write the manifest %s: %w", m.path, err)
	}
	if err := m.file.Sync(); err != nil {
		return fmt.Errorf("cannot sync the manifest %s: %w", m.path, err)
	}
	cp := e
	m.entries[e.Line] = &cp
	return nil
}

// Close closes the file.
func (m *Manifest) Close() error {
	if m.file == nil {
		return nil
	}
	return m.file.Close()
}

// syncDir makes a new file's directory entry durable; where directories
// cannot be synced (Windows), the file's own sync is what there is.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

// describeLines is "line 3", "lines 3 and 7" or "lines 3, 7 and 9".
func describeLines(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	switch len(parts) {
	case 0:
		return "no line"
	case 1:
		return "line " + parts[0]
	}
	return "lines " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
