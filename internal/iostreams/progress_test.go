package iostreams

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestStatusFramesOnTerminal: on a terminal stderr the line is drawn at
// once, redrawn every FrameInterval with the next spinner frame and the
// latest parts, and erased by Stop. Inside a synctest bubble the ticker
// runs on the bubble's clock: the frames are exact.
func TestStatusFramesOnTerminal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ios, errOut := terminalStreams()
		ios.DisableColor()
		st := ios.StartStatus(StatusOptions{}, Text("run 01K"), Accent("queued"), Elapsed(), Text("0 results"))
		if st == nil {
			t.Fatal("no status line on a terminal")
		}
		defer st.Stop()
		want := "\r⠋ run 01K  queued  0s  0 results\x1b[K"
		if got := errOut.String(); got != want {
			t.Fatalf("first frame %q, want %q", got, want)
		}
		errOut.Reset()
		time.Sleep(FrameInterval)
		synctest.Wait()
		st.Update(Text("run 01K"), Accent("running\x1b]0;evil\x07\n"), Elapsed(), Text("3 results"))
		time.Sleep(FrameInterval * 8) // 1.08 s after the start in all
		synctest.Wait()
		st.Stop()
		st.Stop() // a second Stop draws nothing
		frames := strings.Split(errOut.String(), "\r")
		want2 := []string{"",
			"⠙ run 01K  queued  0s  0 results\x1b[K",
			"⠹ run 01K  running  0s  3 results\x1b[K",
			"⠸ run 01K  running  0s  3 results\x1b[K",
			"⠼ run 01K  running  0s  3 results\x1b[K",
			"⠴ run 01K  running  0s  3 results\x1b[K",
			"⠦ run 01K  running  0s  3 results\x1b[K",
			"⠧ run 01K  running  0s  3 results\x1b[K",
			"⠇ run 01K  running  0s  3 results\x1b[K",
			"⠏ run 01K  running  1s  3 results\x1b[K\x1b[2K",
			"",
		}
		if strings.Join(frames, "|") != strings.Join(want2, "|") {
			t.Errorf("frames:\n%q\nwant\n%q", frames, want2)
		}

		// Start after Stop draws again; Elapsed counts from the first start.
		errOut.Reset()
		st.Start()
		st.Stop()
		if got, want := errOut.String(), "\r⠋ run 01K  running  1s  3 results\x1b[K\x1b[2K\r"; got != want {
			t.Errorf("restart drew %q, want %q", got, want)
		}
	})
}

// TestStatusColourAndWidth: Accent parts are cyan where stderr has colour;
// a line wider than the terminal is cut (colour codes not counted, and
// never cut in half).
func TestStatusColourAndWidth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ios, errOut := terminalStreams()
		st := ios.StartStatus(StatusOptions{}, Text("run"), Accent("running"))
		st.Stop()
		if got, want := errOut.String(), "\r⠋ run  \x1b[36mrunning\x1b[0m\x1b[K\x1b[2K\r"; got != want {
			t.Errorf("coloured frame %q, want %q", got, want)
		}

		errOut.Reset()
		ios.SetTerminalWidth(12)
		st = ios.StartStatus(StatusOptions{}, Text("run"), Accent("running"), Text("3 results"))
		st.Stop()
		// 12 cells: the frame, 10 cells of parts, the last column free.
		if got, want := errOut.String(), "\r⠋ run  \x1b[36mrunn\x1b[0m\x1b[K\x1b[2K\r"; got != want {
			t.Errorf("cut frame %q, want %q", got, want)
		}
	})
}

// TestStatusBar: a bar part shows the percentage and 30 cells; an unknown
// total shows nothing of it.
func TestStatusBar(t *testing.T) {
	tests := []struct {
		done, total int64
		want        string
	}{
		{0, 100, "0% |" + strings.Repeat(" ", 30) + "|"},
		{50, 100, "50% |" + strings.Repeat("█", 15) + strings.Repeat(" ", 15) + "|"},
		{100, 100, "100% |" + strings.Repeat("█", 30) + "|"},
		{150, 100, "100% |" + strings.Repeat("█", 30) + "|"},
		{5, -1, ""},
		{5, 0, ""},
	}
	for _, tt := range tests {
		if got := renderBar(tt.done, tt.total); got != tt.want {
			t.Errorf("renderBar(%d, %d) = %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
	synctest.Test(t, func(t *testing.T) {
		ios, errOut := terminalStreams()
		ios.DisableColor()
		st := ios.StartStatus(StatusOptions{}, Text("a.csv"), Bar(1, 4), Text("1 KiB/4 KiB"))
		st.Stop()
		want := "\r⠋ a.csv  25% |" + strings.Repeat("█", 7) + strings.Repeat(" ", 23) + "|  1 KiB/4 KiB\x1b[K\x1b[2K\r"
		if got := errOut.String(); got != want {
			t.Errorf("bar frame %q, want %q", got, want)
		}
	})
}

// TestStatusNotDrawn: into a pipe or a file, and in CI even on a terminal,
// there is no status line: StartStatus returns nil, and every call on it
// does nothing.
func TestStatusNotDrawn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, ci := range []bool{false, true} {
			ios, _, _, errOut := Test()
			ios.SetTTY(false, false, ci)
			ios.SetTicker(RealTicker)
			ios.SetCI(ci)
			st := ios.StartStatus(StatusOptions{}, Text("x"))
			if st != nil {
				t.Fatalf("ci=%v: a status line where none may be drawn", ci)
			}
			st.Update(Text("y"))
			st.Start()
			time.Sleep(FrameInterval * 3)
			st.Stop()
			if errOut.Len() != 0 {
				t.Errorf("ci=%v: drew %q", ci, errOut.String())
			}
		}
	})
}

// TestStatusRedacted: frames go through the streams' redaction and are
// written whole, never held back.
func TestStatusRedacted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ios, errOut := terminalStreams()
		ios.DisableColor()
		ios.AddSecret("cc_secret_0123456789")
		st := ios.StartStatus(StatusOptions{}, Text("key cc_secret_0123456789"), Text("cc_sec"))
		if got, want := errOut.String(), "\r⠋ key [REDACTED]  cc_sec\x1b[K"; got != want {
			t.Errorf("frame %q, want %q", got, want)
		}
		st.Stop()
	})
}

// TestEnvCI: CI set to a true value stops progress; CORECLAW_FORCE_TTY wins.
func TestEnvCI(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"CI": "true"}, true},
		{map[string]string{"CI": "1"}, true},
		{map[string]string{"CI": "0"}, false},
		{map[string]string{"CI": "FALSE"}, false},
		{map[string]string{"CI": ""}, false},
	}
	for _, tt := range tests {
		e := EnvFrom(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
		if e.CI != tt.want {
			t.Errorf("%v: CI = %v, want %v", tt.env, e.CI, tt.want)
		}
	}
	ios := System(Env{CI: true, ForceTTY: true})
	if !ios.ShowProgress() {
		t.Error("CORECLAW_FORCE_TTY=1 in CI: no progress")
	}
	ios = System(Env{CI: true})
	ios.SetTTY(false, false, true)
	if ios.ShowProgress() {
		t.Error("CI on a terminal: progress")
	}
}

// terminalStreams are test streams with stderr a terminal, read through a
// locked buffer (frames are drawn from the status line's goroutine).
func terminalStreams() (*IOStreams, *lockedBuffer) {
	ios, _, _, _ := Test()
	ios.SetTTY(false, false, true)
	ios.SetTicker(RealTicker)
	errOut := &lockedBuffer{}
	ios.ErrOut = ios.redacting(errOut)
	return ios, errOut
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// TestStatusWithoutTicker: streams without a ticker (Test's) draw a frame
// at each Start and nothing between: no goroutine, no timing.
func TestStatusWithoutTicker(t *testing.T) {
	ios, _, _, errOut := Test()
	ios.SetTTY(false, false, true)
	ios.DisableColor()
	st := ios.StartStatus(StatusOptions{}, Text("a"))
	st.Update(Text("b"))
	st.Stop()
	st.Start()
	st.Stop()
	if got, want := errOut.String(), "\r⠋ a\x1b[K\x1b[2K\r\r⠙ b\x1b[K\x1b[2K\r"; got != want {
		t.Errorf("frames %q, want %q", got, want)
	}
}

// fakeClock is a clock the test sets.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) set(d time.Duration) { c.t = time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC).Add(d) }
func newFakeClock() *fakeClock           { c := &fakeClock{}; c.set(0); return c }

// TestStatusDelay: with a Delay, neither Start nor the ticks before it
// draw; the first tick after it does.
func TestStatusDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ios, errOut := terminalStreams()
		ios.DisableColor()
		st := ios.StartStatus(StatusOptions{Delay: 300 * time.Millisecond}, Text("waiting"))
		defer st.Stop()
		time.Sleep(FrameInterval * 2) // 240 ms
		synctest.Wait()
		if errOut.Len() != 0 {
			t.Fatalf("drawn before the delay: %q", errOut.String())
		}
		time.Sleep(FrameInterval) // 360 ms
		synctest.Wait()
		st.Stop()
		if got, want := errOut.String(), "\r⠋ waiting\x1b[K\x1b[2K\r"; got != want {
			t.Errorf("frames %q, want %q", got, want)
		}
	})
}

// TestStatusOnUpdate: with OnUpdate, frames are drawn by Update only (no
// ticks, even on a ticking stream), not before Delay, at most one per
// Every; a line erased by other output is drawn again at the next Update.
func TestStatusOnUpdate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ios, errOut := terminalStreams()
		ios.DisableColor()
		clock := newFakeClock()
		st := ios.StartStatus(StatusOptions{Now: clock.now, Delay: 500 * time.Millisecond, OnUpdate: true,
			Every: 100 * time.Millisecond}, Text("0 rows"))
		step := func(at time.Duration, text string) {
			clock.set(at)
			st.Update(Text(text))
		}
		step(100*time.Millisecond, "1 row") // before the delay
		step(500*time.Millisecond, "2 rows")
		time.Sleep(FrameInterval * 5) // no ticks
		synctest.Wait()
		step(550*time.Millisecond, "3 rows") // too soon
		step(600*time.Millisecond, "4 rows")
		io.WriteString(ios.ErrOut, "notice: retrying\n")
		step(610*time.Millisecond, "5 rows") // drawn again at once
		st.Stop()
		st.Update(Text("6 rows")) // stopped: nothing
		want := "\r⠋ 2 rows\x1b[K" +
			"\r⠙ 4 rows\x1b[K" +
			"\x1b[2K\rnotice: retrying\n" +
			"\r⠹ 5 rows\x1b[K" +
			"\x1b[2K\r"
		if got := errOut.String(); got != want {
			t.Errorf("frames\n%q\nwant\n%q", got, want)
		}
	})
}

// TestStatusPrintAbove: a line printed above the status line erases it,
// is written, and the status is drawn again at once; before the delay
// and after Stop the line is written alone.
func TestStatusPrintAbove(t *testing.T) {
	ios, _, _, errOut := Test()
	ios.SetTTY(false, false, true)
	ios.DisableColor()
	clock := newFakeClock()
	st := ios.StartStatus(StatusOptions{Now: clock.now, Delay: time.Second, OnUpdate: true}, Text("a"))
	st.PrintAbove("line 1: early")
	clock.set(time.Second)
	st.Update(Text("b"))
	st.PrintAbove("line 2: failed")
	st.Stop()
	st.PrintAbove("line 3: late")
	want := "line 1: early\n" +
		"\r⠋ b\x1b[K" +
		"\x1b[2K\rline 2: failed\n" +
		"\r⠙ b\x1b[K" +
		"\x1b[2K\r" +
		"line 3: late\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr\n%q\nwant\n%q", got, want)
	}
}

// TestStatusGuard: while a status line is shown, anything written to
// ErrOut erases it first, once; a ticking line comes
// back at the next tick; once stopped, ErrOut is written as it is.
func TestStatusGuard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ios, errOut := terminalStreams()
		ios.DisableColor()
		st := ios.StartStatus(StatusOptions{}, Text("run 01K"))
		io.WriteString(ios.ErrOut, "notice: one\n")
		io.WriteString(ios.ErrOut, "notice: two\n")
		time.Sleep(FrameInterval)
		synctest.Wait()
		io.WriteString(ios.ErrOut, "notice: three\n")
		st.Stop()
		io.WriteString(ios.ErrOut, "warning: after\n")
		want := "\r⠋ run 01K\x1b[K" +
			"\x1b[2K\rnotice: one\n" +
			"notice: two\n" +
			"\r⠙ run 01K\x1b[K" +
			"\x1b[2K\rnotice: three\n" +
			"warning: after\n"
		if got := errOut.String(); got != want {
			t.Errorf("stderr\n%q\nwant\n%q", got, want)
		}
	})
}

// TestStatusNewOptionsOnPipe: on a pipe (and in CI) none of it draws:
// no status, PrintAbove on the nil status writes nothing, and ErrOut is
// written as it is.
func TestStatusNewOptionsOnPipe(t *testing.T) {
	for _, ci := range []bool{false, true} {
		ios, _, _, errOut := Test()
		ios.SetTTY(false, false, ci)
		ios.SetCI(ci)
		clock := newFakeClock()
		st := ios.StartStatus(StatusOptions{Now: clock.now, Delay: time.Second, OnUpdate: true, Every: time.Millisecond,
			Separator: " · "}, Text("a"), Colored((*ColorScheme).Green, "b"))
		if st != nil {
			t.Fatalf("ci=%v: a status line where none may be drawn", ci)
		}
		clock.set(2 * time.Second)
		st.Update(Text("c"))
		st.PrintAbove("line 1: failed")
		io.WriteString(ios.ErrOut, "notice: x\n")
		st.Stop()
		if got, want := errOut.String(), "notice: x\n"; got != want {
			t.Errorf("ci=%v: stderr %q, want %q", ci, got, want)
		}
	}
}

// TestStatusSeparatorAndColored: parts joined by the Separator, Colored
// parts in their colour; a cut may fall inside a separator (the line is
// cut there, never past the width).
func TestStatusSeparatorAndColored(t *testing.T) {
	ios, _, _, errOut := Test()
	ios.SetTTY(false, false, true)
	ios.ForceColor()
	st := ios.StartStatus(StatusOptions{Separator: " · "}, Text("batch: 1 waiting"), Colored((*ColorScheme).Green, "2 succeeded"),
		Colored((*ColorScheme).Red, "1 failed"))
	st.Stop()
	if got, want := errOut.String(), "\r⠋ batch: 1 waiting · \x1b[32m2 succeeded\x1b[0m · \x1b[31m1 failed\x1b[0m\x1b[K\x1b[2K\r"; got != want {
		t.Errorf("frame %q, want %q", got, want)
	}
	for width, want := range map[int]string{
		// 2 cells for the frame and the free last column, 1 + 16 for the
		// first part, then 1 and 2 cells of the separator, then 1 of text.
		19: "\r⠋ batch: 1 waiting\x1b[K\x1b[2K\r",
		20: "\r⠋ batch: 1 waiting \x1b[K\x1b[2K\r",
		21: "\r⠋ batch: 1 waiting ·\x1b[K\x1b[2K\r",
		23: "\r⠋ batch: 1 waiting · \x1b[32m2\x1b[0m\x1b[K\x1b[2K\r",
	} {
		errOut.Reset()
		ios.SetTerminalWidth(width)
		st := ios.StartStatus(StatusOptions{Separator: " · "}, Text("batch: 1 waiting"), Colored((*ColorScheme).Green, "2 succeeded"))
		st.Stop()
		if got := errOut.String(); got != want {
			t.Errorf("width %d: frame %q, want %q", width, got, want)
		}
	}
}
