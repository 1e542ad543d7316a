package iostreams

import (
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/briandowns/spinner"
	"github.com/mattn/go-runewidth"
	"golang.org/x/term"
)

// Progress on stderr has one home: a Status is a line redrawn in place
// while work goes on (the wait spinner, a download bar, a results count),
// shown only where ShowProgress allows it. Everything on the line passes
// through SanitizeLine once, when it is set, and is drawn through
// stderr's redaction: redacted, never held back. While a line is shown,
// any other write to ErrOut erases it first.

// spinnerFrames is the glyph set drawn in turn at the start of a status
// line: briandowns/spinner's braille dots. Only its glyphs are taken: the
// drawing is ours, so that one writer (stderr's redaction and its guard)
// and one clock (the streams' Ticker, which tests move) pace every line.
const spinnerFrames = 14

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

// Part is one piece of a status line. Parts are separated by two spaces
// (StatusOptions.Separator).
type Part struct {
	kind        partKind
	text        string
	done, total int64
	paint       func(*ColorScheme, string) string // partAccent's colour
}

// Text is plain text; it may come from the server.
func Text(s string) Part { return Part{kind: partText, text: strings.TrimSpace(SanitizeLine(s))} }

// Accent is text drawn in the accent colour (cyan) where stderr has colour.
func Accent(s string) Part { return Colored((*ColorScheme).Cyan, s) }

// Colored is text drawn in a colour of the scheme (say
// (*ColorScheme).Green) where stderr has colour.
func Colored(paint func(*ColorScheme, string) string, s string) Part {
	return Part{kind: partAccent, text: strings.TrimSpace(SanitizeLine(s)), paint: paint}
}

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
	// Now is the clock Elapsed parts, Delay and Every are read from;
	// time.Now when nil.
	Now func() time.Time
	// Delay: no frame is drawn until Delay has passed since the start, so
	// that a short task never flashes a line.
	Delay time.Duration
	// OnUpdate: frames are drawn by Update (and Start), not by the
	// ticker: for a line whose text follows the work (a count, a rate)
	// rather than the clock.
	OnUpdate bool
	// Every: with OnUpdate, the least time between two frames; an Update
	// sooner only records the parts. 0: every Update draws.
	Every time.Duration
	// Separator goes between parts; two spaces when empty.
	Separator string
}

// Status is a line of progress on stderr. A nil *Status (what StartStatus
// returns where progress is not shown) accepts every call and draws nothing.
//
// While the line is shown, anything else written to the streams' ErrOut
// erases it first (the guard in redactWriter), so a notice or a warning
// never lands in the middle of a frame; the next frame draws the line
// again. One status line is shown at a time.
type Status struct {
	tick   Ticker // nil: frames at Start (and Update with OnUpdate) only
	line   statusSink
	errOut io.Writer // the streams' ErrOut, for PrintAbove
	cs     *ColorScheme
	now    func() time.Time
	width  func() int
	opts   StatusOptions

	mu        sync.Mutex
	parts     []Part
	start     time.Time
	frame     int
	lastDrawn time.Time
	running   bool
	stop      chan struct{} // nil: no animation going
	stopped   chan struct{}
}

// statusSink is where a status line is drawn: stderr's redactWriter,
// which also erases the line before any other write (the guard).
type statusSink interface {
	// drawStatus writes a frame, whole; the line is then shown.
	drawStatus(frame string)
	// eraseStatus erases the line if it is shown.
	eraseStatus()
	// statusShown reports whether a frame is on the screen.
	statusShown() bool
}

// statusSink is ErrOut's guard, or a plain sink (no guard) when a test has
// put a writer of its own there.
func (s *IOStreams) statusSink() statusSink {
	if rw, ok := s.ErrOut.(*redactWriter); ok {
		return rw
	}
	return &plainSink{w: s.ErrOut}
}

// plainSink draws on a writer that is not the streams' own.
type plainSink struct {
	w     io.Writer
	shown bool
}

func (p *plainSink) drawStatus(frame string) { io.WriteString(p.w, frame); p.shown = true }
func (p *plainSink) statusShown() bool       { return p.shown }
func (p *plainSink) eraseStatus() {
	if p.shown {
		io.WriteString(p.w, eraseLine)
		p.shown = false
	}
}

// StartStatus shows a status line on stderr made of parts, redrawn every
// FrameInterval (or at each Update, with opts.OnUpdate) until Stop. It
// returns nil, and nothing is ever drawn, when stderr is not a terminal or
// coreclaw runs in CI (ShowProgress).
func (s *IOStreams) StartStatus(opts StatusOptions, parts ...Part) *Status {
	if !s.ShowProgress() {
		return nil
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if opts.Separator == "" {
		opts.Separator = "  "
	}
	st := &Status{tick: s.ticker, line: s.statusSink(), errOut: s.ErrOut, cs: s.Stderr(), now: now,
		width: s.terminalWidth, opts: opts, parts: parts, start: now()}
	if opts.OnUpdate {
		st.tick = nil
	}
	st.Start()
	return st
}

// Update replaces the line's parts; the next frame shows them. With
// OnUpdate, the frame is drawn now if it is due.
func (st *Status) Update(parts ...Part) {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.parts = parts
	if st.opts.OnUpdate && st.running {
		st.drawIfDueLocked()
	}
}

// PrintAbove prints line (and a newline) on stderr above the status line:
// the line is erased, the text written, and the line drawn again at once
// (unless it is stopped or its Delay has not passed). On a nil *Status it
// does nothing: where no status line is drawn, write to ErrOut.
func (st *Status) PrintAbove(line string) {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	io.WriteString(st.errOut, line+"\n") // the guard erases the line first
	if !st.running {
		return
	}
	var now time.Time
	if st.opts.Delay > 0 || st.opts.Every > 0 {
		if now = st.now(); now.Sub(st.start) < st.opts.Delay {
			return
		}
	}
	st.drawLocked(now)
}

// Start draws the line and keeps redrawing it; after Stop it shows the line
// again (say, after a notice was printed below it). Elapsed and Delay
// count from the first start.
func (st *Status) Start() {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.running {
		return
	}
	st.running = true
	st.drawIfDueLocked()
	if st.tick == nil {
		return
	}
	st.stop, st.stopped = make(chan struct{}), make(chan struct{})
	go st.animate(st.stop, st.stopped)
}

// drawIfDueLocked draws a frame unless Delay has not passed yet or, with
// OnUpdate, the shown line was drawn less than Every ago. The clock is
// read only when an option needs it.
func (st *Status) drawIfDueLocked() {
	if st.opts.Delay <= 0 && (!st.opts.OnUpdate || st.opts.Every <= 0) {
		st.drawLocked(time.Time{})
		return
	}
	now := st.now()
	if now.Sub(st.start) < st.opts.Delay {
		return
	}
	if st.opts.OnUpdate && st.opts.Every > 0 && st.line.statusShown() && now.Sub(st.lastDrawn) < st.opts.Every {
		return
	}
	st.drawLocked(now)
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
			st.drawIfDueLocked()
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
	stop, stopped, running := st.stop, st.stopped, st.running
	st.stop, st.running = nil, false
	st.mu.Unlock()
	if !running {
		return
	}
	if stop != nil {
		close(stop)
		<-stopped
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.line.eraseStatus()
}

// drawLocked draws the next frame; now is when (zero when not read).
func (st *Status) drawLocked(now time.Time) {
	st.line.drawStatus("\r" + st.render(st.width()) + eraseToEnd)
	st.lastDrawn = now
	st.frame++
}

// render is the current frame: a spinner, then the parts, cut to fit in
// width cells when width is known (a longer line wraps, and \r would
// return to its last row only). Only the parts' own text is sanitised
// (when set); the colour codes are ours.
func (st *Status) render(width int) string {
	frames := spinner.CharSets[spinnerFrames]
	var b strings.Builder
	b.WriteString(frames[st.frame%len(frames)])
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
		sep := st.opts.Separator
		if b.Len() == len(frames[0]) {
			sep = " "
		}
		if room >= 0 {
			sep = runewidth.Truncate(sep, room, "")
			room -= runewidth.StringWidth(sep)
			s = runewidth.Truncate(s, room, "")
			room -= runewidth.StringWidth(s)
		}
		if p.kind == partAccent && s != "" {
			s = p.paint(st.cs, s)
		}
		b.WriteString(sep + s)
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
