package iostreams

import (
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-runewidth"
	"golang.org/x/term"
)

// Progress on stderr has one home: a Status is a line redrawn in place
// while work goes on (the wait spinner, a download bar, a results count),
// shown only where ShowProgress allows it. Everything on the line passes
// through SanitizeLine once, when it is set, and is drawn through
// ProgressWriter: redacted, never held back.

// spinnerFrames are drawn in turn at the start of a status line.
const spinnerFrames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

// FrameInterval is how often a status line is redrawn.
const FrameInterval = 120 * time.Millisecond

// barWidth is how many cells a progress bar fills.
const barWidth = 30

// Terminal codes: redraw from the start of the line and erase what an
// older, longer frame left; erase the whole line and return to its start.
const (
	eraseToEnd = "\x1b[K"
	eraseLine  = "\x1b[2K\r"
)

// partKind says how a Part is drawn.
type partKind int

const (
	partText partKind = iota
	partAccent
	partBar
	partElapsed
)

// Part is one piece of a status line. Parts are separated by two spaces.
type Part struct {
	kind        partKind
	text        string
	done, total int64
}

// Text is plain text; it may come from the server.
func Text(s string) Part { return Part{kind: partText, text: strings.TrimSpace(SanitizeLine(s))} }

// Accent is text drawn in the accent colour (cyan) where stderr has colour.
func Accent(s string) Part { return Part{kind: partAccent, text: strings.TrimSpace(SanitizeLine(s))} }

// Bar is a percentage and a bar of done out of total; with total <= 0 it
// shows nothing.
func Bar(done, total int64) Part { return Part{kind: partBar, done: done, total: total} }

// Elapsed is the time since the status line started, in whole seconds,
// worked out at each frame.
func Elapsed() Part { return Part{kind: partElapsed} }

// Ticker paces a status line's frames: it returns the ticks and a stop.
// System streams tick in real time (RealTicker); Test streams do not tick
// at all, so that a test sees exactly the frames Start draws (a test of
// the animation sets RealTicker inside a synctest bubble).
type Ticker func(every time.Duration) (ticks <-chan time.Time, stop func())

// RealTicker ticks on the wall clock (or a synctest bubble's).
func RealTicker(every time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(every)
	return t.C, t.Stop
}

// SetTicker sets what paces status lines' frames; nil: no animation.
func (s *IOStreams) SetTicker(t Ticker) { s.ticker = t }

// StatusOptions configure a status line.
type StatusOptions struct {
	// Now is the clock Elapsed parts are read from; time.Now when nil.
	Now func() time.Time
}

// Status is a line of progress on stderr. A nil *Status (what StartStatus
// returns where progress is not shown) accepts every call and draws nothing.
type Status struct {
	tick  Ticker // nil: a frame at each Start only
	w     io.Writer
	cs    *ColorScheme
	now   func() time.Time
	width func() int

	mu      sync.Mutex
	parts   []Part
	start   time.Time
	frame   int
	drawn   bool
	stop    chan struct{}
	stopped chan struct{}
}

// StartStatus shows a status line on stderr made of parts, redrawn every
// FrameInterval until Stop. It returns nil, and nothing is ever drawn,
// when stderr is not a terminal or coreclaw runs in CI (ShowProgress).
func (s *IOStreams) StartStatus(opts StatusOptions, parts ...Part) *Status {
	if !s.ShowProgress() {
		return nil
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	st := &Status{tick: s.ticker, w: s.ProgressWriter(), cs: s.Stderr(), now: now, width: s.terminalWidth,
		parts: parts, start: now()}
	st.Start()
	return st
}

// Update replaces the line's parts; the next frame shows them.
func (st *Status) Update(parts ...Part) {
	if st == nil {
		return
	}
	st.mu.Lock()
	st.parts = parts
	st.mu.Unlock()
}

// Start draws the line and keeps redrawing it; after Stop it shows the line
// again (say, after a notice was printed below it). Elapsed keeps counting
// from the first start.
func (st *Status) Start() {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.stop != nil {
		return
	}
	st.drawLocked()
	st.stop, st.stopped = make(chan struct{}), make(chan struct{})
	if st.tick == nil {
		close(st.stopped)
		return
	}
	go st.animate(st.stop, st.stopped)
}

func (st *Status) animate(stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	ticks, stopTicks := st.tick(FrameInterval)
	defer stopTicks()
	for {
		select {
		case <-stop:
			return
		case <-ticks:
			st.mu.Lock()
			st.drawLocked()
			st.mu.Unlock()
		}
	}
}

// Stop stops redrawing and erases the line, so that what is printed next
// starts on a clean line. It may be called more than once.
func (st *Status) Stop() {
	if st == nil {
		return
	}
	st.mu.Lock()
	stop, stopped := st.stop, st.stopped
	st.stop = nil
	st.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-stopped
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.drawn {
		io.WriteString(st.w, eraseLine)
		st.drawn = false
	}
}

func (st *Status) drawLocked() {
	io.WriteString(st.w, "\r"+st.render(st.width())+eraseToEnd)
	st.drawn = true
	st.frame++
}

// render is the current frame: a spinner, then the parts, cut to fit in
// width cells when width is known (a longer line wraps, and \r would
// return to its last row only). Only the parts' own text is sanitised
// (when set); the colour codes are ours.
func (st *Status) render(width int) string {
	frames := []rune(spinnerFrames)
	var b strings.Builder
	b.WriteRune(frames[st.frame%len(frames)])
	room := -1 // cells left; -1: no limit
	if width > 1 {
		room = width - 2 // the frame, and the last column left free
	}
	for _, p := range st.parts {
		var s string
		switch p.kind {
		case partText, partAccent:
			s = p.text
		case partBar:
			s = renderBar(p.done, p.total)
		case partElapsed:
			s = st.now().Sub(st.start).Truncate(time.Second).String()
		}
		if s == "" {
			continue
		}
		sep := "  "
		if b.Len() == len(string(frames[0])) {
			sep = " "
		}
		s = sep + s
		if room >= 0 {
			if w := runewidth.StringWidth(s); w > room {
				s = runewidth.Truncate(s, room, "")
			}
			room -= runewidth.StringWidth(s)
		}
		if p.kind == partAccent {
			s = s[:len(sep)] + st.cs.Cyan(s[len(sep):])
		}
		b.WriteString(s)
		if room == 0 {
			break
		}
	}
	return b.String()
}

// renderBar draws "42% |████      |".
func renderBar(done, total int64) string {
	if total <= 0 {
		return ""
	}
	done = min(max(done, 0), total)
	filled := int(done * barWidth / total)
	return strconv.FormatInt(done*100/total, 10) + "% |" +
		strings.Repeat("█", filled) + strings.Repeat(" ", barWidth-filled) + "|"
}

// terminalWidth is stderr's width in cells, or 0 when unknown.
func (s *IOStreams) terminalWidth() int {
	if s.errWidth > 0 {
		return s.errWidth
	}
	f, ok := s.ErrFile()
	if !ok {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// SetTerminalWidth fixes stderr's width in cells; for tests.
func (s *IOStreams) SetTerminalWidth(cells int) { s.errWidth = cells }
