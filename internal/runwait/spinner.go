package runwait

import (
	"bytes"
	"io"
	"sync"
	"time"

	"github.com/briandowns/spinner"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// progress shows the wait on stderr: a spinner line on a terminal, or one
// line per status change otherwise (log-friendly in CI).
type progress struct {
	io   *iostreams.IOStreams
	cs   *iostreams.ColorScheme
	now  func() time.Time
	slug string

	mu      sync.Mutex
	status  string
	results int64
	start   time.Time
	spin    *spinner.Spinner
}

func newProgress(ios *iostreams.IOStreams, now func() time.Time, slug string) *progress {
	p := &progress{io: ios, cs: ios.Stderr(), now: now, slug: slug, start: now()}
	if f, ok := ios.ErrFile(); ok && ios.ShowProgress() {
		s := spinner.New(spinner.CharSets[14], 120*time.Millisecond, spinner.WithWriterFile(f))
		// The file only tells the spinner it is on a terminal; frames go
		// through the redacting stderr.
		s.Writer = ios.ProgressWriter()
		if !p.cs.Enabled() {
			// The spinner paints its frames itself; keep the erase codes
			// but drop the colours.
			s.Writer = sgrStripper{w: s.Writer}
		}
		s.PreUpdate = func(s *spinner.Spinner) { s.Suffix = " " + p.line() }
		p.spin = s
	}
	return p
}

func (p *progress) begin() {
	if p.spin != nil {
		p.spin.Start()
	}
}

// update records a poll's result.
func (p *progress) update(status string, results int64) {
	p.mu.Lock()
	changed := status != p.status
	p.status, p.results = status, results
	p.mu.Unlock()
	if p.spin == nil && changed && !api.Status(status).Terminal() {
		io.WriteString(p.io.ErrOut, "run "+p.slug+": "+iostreams.SanitizeLine(status)+"\n")
	}
}

// end removes the spinner line.
func (p *progress) end() {
	if p.spin != nil {
		p.spin.Stop()
	}
}

func (p *progress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	status := p.status
	if status == "" {
		status = "starting"
	}
	elapsed := p.now().Sub(p.start).Truncate(time.Second)
	return p.slug + "  " + p.cs.Cyan(iostreams.SanitizeLine(status)) + "  " + elapsed.String() + "  " + plural(p.results, "result")
}

// sgrStripper drops colour (SGR) escape sequences from what passes through.
type sgrStripper struct{ w io.Writer }

func (s sgrStripper) Write(b []byte) (int, error) {
	if bytes.IndexByte(b, 0x1b) < 0 {
		return s.w.Write(b)
	}
	if _, err := s.w.Write(stripSGR(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// stripSGR removes ESC [ params m sequences and keeps every other byte.
func stripSGR(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '[' {
			j := i + 2
			for j < len(b) && (b[j] == ';' || (b[j] >= '0' && b[j] <= '9')) {
				j++
			}
			if j < len(b) && b[j] == 'm' {
				i = j
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}
