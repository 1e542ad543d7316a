package runresults

import (
	"strconv"
	"sync"
	"time"

	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// Progress shows a long fetch of result rows on stderr, on a terminal
// only (never on a pipe or a file), as the streams' status line:
//
//	⠋ Fetching results… 12,300 of 100,000 rows (4,100 rows/s)
//
// The line appears once the fetch has taken progressDelay (a short fetch
// never flashes one), is redrawn at most every progressEvery, and is
// erased before anything else is written to stderr (the streams' guard)
// and when the fetch ends.
type Progress struct {
	ios *iostreams.IOStreams
	now func() time.Time

	mu    sync.Mutex
	line  *iostreams.Status
	start time.Time
	at    time.Time // the reading of now this update was taken at
}

const (
	progressDelay = 500 * time.Millisecond
	progressEvery = 100 * time.Millisecond
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

// Start begins timing the fetch; the line shows after progressDelay.
func (p *Progress) Start() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.line != nil {
		return
	}
	p.start = p.now()
	p.at = p.start
	// The status reads the time of the update at hand: the clock is
	// read once per update, here.
	p.line = p.ios.StartStatus(iostreams.StatusOptions{Now: func() time.Time { return p.at },
		Delay: progressDelay, OnUpdate: true, Every: progressEvery})
}

// Update reports rows fetched so far of total (total < 0: not known).
func (p *Progress) Update(rows, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.line == nil {
		return
	}
	p.at = p.now()
	line := "Fetching results… " + thousands(rows)
	if total >= 0 {
		line += " of " + thousands(total)
	}
	var rate int64
	if elapsed := p.at.Sub(p.start); elapsed > 0 {
		rate = int64(float64(rows) / elapsed.Seconds())
	}
	line += " rows (" + thousands(rate) + " rows/s)"
	p.line.Update(iostreams.Text(line))
}

// Stop erases the line; it stays off.
func (p *Progress) Stop() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line.Stop()
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
