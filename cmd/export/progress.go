package export

import (
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// newProgress returns a progress bar on stderr when stderr is a terminal,
// and nil otherwise: nothing is drawn into a pipe, a file or a CI log.
// size -1 (unknown) shows a spinner with the byte count.
func newProgress(ios *iostreams.IOStreams, size int64, label string) *progressbar.ProgressBar {
	if !ios.ShowProgress() {
		return nil
	}
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(ios.ProgressWriter()),
		progressbar.OptionSetDescription(iostreams.SanitizeLine(label)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionUseIECUnits(true),
	)
}
