package runresults

import (
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// Progress shows a long fetch of result rows on stderr, on a terminal
// only (never on a pipe or a file):
//
//	Fetching results… 12,300 of 100,000 rows (4,100 rows/s)
//
// The line appears once the fetch has taken progressDelay (a short fetch
// never flashes one), is redrawn in place at most every progressEvery,
// and is cleared before anything else is written to stderr (a retry
// notice, a warning) and when the fetch ends.
//
// It is self-contained until IOStreams has a progress API: it writes its
// frames through the streams' ProgressWriter and, while it is shown,
// stands in front of ErrOut to clear the line first.
type Progress struct {
	ios *iostreams.IOStreams
	now func() time.Time
	w   io.Writer // the frames' writer

	mu      sync.Mutex
	errOut  io.Writer // ErrOut as it was before Start
	start   time.Time
	drawn   time.Time // when the line was last drawn
	showing bool      // a frame is on the screen
	stopped bool
}

const (
	progressDelay = 500 * time.Millisecond
	progressEvery = 100 * time.Millisecond
	clearLine     = "\r\x1b[K"
)

// NewProgress returns the progress line for a fetch printed by printer,
// or nil when stderr is not a terminal, or when the rows stream to the
// same screen as they come (stdout a terminal, and neither a table nor
// --jq, which print once every row is in). Every method of a nil
// *Progress does nothing.
func NewProgress(ios *iostreams.IOStreams, now func() time.Time, printer *output.Printer) *Progress {
	held := printer == nil || printer.Format == output.Table || printer.HasJQ()
	if !ios.ShowProgress() || (ios.IsStdoutTTY() && !held) {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	return &Progress{ios: ios, now: now}
}

// Start begins timing the fetch, and puts the line's guard in front of
// stderr.
func (p *Progress) Start() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.w = p.ios.ProgressWriter()
	p.errOut = p.ios.ErrOut
	p.ios.ErrOut = &clearFirst{p: p}
	p.start = p.now()
}

// Update reports rows fetched so far of total (total < 0: not known).
func (p *Progress) Update(rows, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.w == nil {
		return
	}
	now := p.now()
	elapsed := now.Sub(p.start)
	if elapsed < progressDelay || (!p.drawn.IsZero() && now.Sub(p.drawn) < progressEvery) {
		return
	}
	line := "Fetching results… " + thousands(rows)
	if total >= 0 {
		line += " of " + thousands(total)
	}
	line += " rows (" + thousands(int64(float64(rows)/elapsed.Seconds())) + " rows/s)"
	io.WriteString(p.w, clearLine+line)
	p.drawn, p.showing = now, true
}

// Stop clears the line and gives stderr back.
func (p *Progress) Stop() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.w == nil {
		return
	}
	p.stopped = true
	p.clear()
	p.ios.ErrOut = p.errOut
}

// clear erases the line if one is shown. Callers hold p.mu.
func (p *Progress) clear() {
	if p.showing {
		io.WriteString(p.w, clearLine)
		p.showing = false
	}
}

// clearFirst is stderr while the line may be shown: the line is cleared
// before anything else is written, and drawn again at the next update.
type clearFirst struct{ p *Progress }

func (c *clearFirst) Write(b []byte) (int, error) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	if c.p.showing {
		c.p.clear()
		c.p.drawn = time.Time{} // drawn again at the next update
	}
	return c.p.errOut.Write(b)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
