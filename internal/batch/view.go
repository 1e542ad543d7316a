package batch

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// View shows a batch as it goes, on stderr. The scheduler calls it from
// one goroutine; a view that draws by itself (the terminal view) guards
// its own state.
type View interface {
	// Started: an input line's run has started (or been queued).
	Started(line int, slug string)
	// Queued: an input line is in the Run Queue (--queue).
	Queued(line int, ref string)
	// Status: a run's status changed; run.Status may be final.
	Status(line int, run *api.Run)
	// Notice is a message for the user (rate limits, plan limits).
	Notice(msg string)
	// Progress gives the counts after each round.
	Progress(p Progress)
	// Close ends the view (the terminal view erases its line).
	Close()
}

// Progress is where the batch stands.
type Progress struct {
	Lines, Pending, Ready, Running, Succeeded, Failed, Aborted int
	// Slowest are the runs going for the longest, longest first.
	Slowest []Going
	// ETA is the estimated time until every run has ended; 0: unknown.
	ETA time.Duration
}

// Going is a run that has not ended.
type Going struct {
	Line  int
	Slug  string
	Since time.Duration
}

// PipeView writes one line per change: for logs, pipes and CI.
type PipeView struct {
	W  io.Writer
	CS *iostreams.ColorScheme
}

func (v *PipeView) Started(line int, slug string) {
	fmt.Fprintf(v.W, "line %d: started run %s\n", line, iostreams.SanitizeLine(slug))
}

func (v *PipeView) Queued(line int, ref string) {
	fmt.Fprintf(v.W, "line %d: queued as %s\n", line, iostreams.SanitizeLine(ref))
}

func (v *PipeView) Status(line int, run *api.Run) {
	if run.Status.Terminal() {
		fmt.Fprintf(v.W, "line %d: %s\n", line, runwait.Summary(v.CS, run))
		return
	}
	fmt.Fprintf(v.W, "line %d: run %s %s\n", line, iostreams.SanitizeLine(run.Slug), iostreams.SanitizeLine(string(run.Status)))
}

func (v *PipeView) Notice(msg string) { fmt.Fprintf(v.W, "notice: %s\n", msg) }
func (v *PipeView) Progress(Progress) {}
func (v *PipeView) Close()            {}

// TerminalView shows the batch on the streams' status line: the counts,
// the slowest runs and an ETA, redrawn at each round. Final statuses other
// than success and notices are printed above it, so that they stay on
// screen.
type TerminalView struct {
	IO *iostreams.IOStreams

	mu   sync.Mutex
	line *iostreams.Status // nil until the first round
}

// print writes a line above the status line (or alone before it exists).
func (v *TerminalView) print(s string) {
	if v.line != nil {
		v.line.PrintAbove(s)
		return
	}
	io.WriteString(v.IO.ErrOut, s+"\n")
}

func (v *TerminalView) Started(int, string) {}
func (v *TerminalView) Queued(int, string)  {}

func (v *TerminalView) Status(line int, run *api.Run) {
	if !run.Status.Terminal() || run.Status == api.StatusSucceeded {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.print(fmt.Sprintf("line %d: %s", line, runwait.Summary(v.IO.Stderr(), run)))
}

func (v *TerminalView) Notice(msg string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.print("notice: " + msg)
}

func (v *TerminalView) Progress(p Progress) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.line == nil {
		v.line = v.IO.StartStatus(iostreams.StatusOptions{OnUpdate: true, Separator: " · "}, progressParts(p)...)
		return
	}
	v.line.Update(progressParts(p)...)
}

func (v *TerminalView) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.line.Stop()
}

// progressParts are the terminal view's line:
// "batch: 3 waiting · 1 ready · 1 running · 2 succeeded · slowest: line 4 1m35s · ETA 1m30s".
func progressParts(p Progress) []iostreams.Part {
	parts := []iostreams.Part{
		iostreams.Text(fmt.Sprintf("batch: %d waiting", p.Pending)),
		iostreams.Text(fmt.Sprintf("%d ready", p.Ready)),
		iostreams.Text(fmt.Sprintf("%d running", p.Running)),
		iostreams.Colored((*iostreams.ColorScheme).Green, fmt.Sprintf("%d succeeded", p.Succeeded)),
	}
	if p.Failed > 0 {
		parts = append(parts, iostreams.Colored((*iostreams.ColorScheme).Red, fmt.Sprintf("%d failed", p.Failed)))
	}
	if p.Aborted > 0 {
		parts = append(parts, iostreams.Colored((*iostreams.ColorScheme).Yellow, fmt.Sprintf("%d aborted", p.Aborted)))
	}
	if len(p.Slowest) > 0 {
		var slow []string
		for _, g := range p.Slowest {
			slow = append(slow, fmt.Sprintf("line %d %s", g.Line, g.Since.Round(time.Second)))
		}
		parts = append(parts, iostreams.Text("slowest: "+strings.Join(slow, ", ")))
	}
	if p.ETA > 0 {
		parts = append(parts, iostreams.Text("ETA "+p.ETA.Round(time.Second).String()))
	}
	return parts
}

// slowest picks the n runs going for the longest.
func slowest(going []Going, n int) []Going {
	sort.Slice(going, func(i, j int) bool { return going[i].Since > going[j].Since })
	if len(going) > n {
		going = going[:n]
	}
	return going
}
