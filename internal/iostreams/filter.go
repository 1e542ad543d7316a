package iostreams

import "io"

// Redact returns text with every secret the streams know replaced by
// [REDACTED], as Out and ErrOut would write it: for text coreclaw writes
// elsewhere (GitHub Actions' output and summary files).
func (s *IOStreams) Redact(text string) string {
	if s.secrets == nil {
		return text
	}
	out, _ := s.secrets.scan([]byte(text), true)
	return string(out)
}

// FilterErrOut puts a filter between stderr's redaction and the stream
// itself (GitHub Actions annotations), so that the filter sees redacted
// text; the terminal checks look through it (an Unwrap() io.Writer
// method), and Flush flushes it (a Flush() error method). Call it once,
// before anything is written.
func (s *IOStreams) FilterErrOut(filter func(io.Writer) io.Writer) {
	if rw, ok := s.ErrOut.(*redactWriter); ok {
		rw.mu.Lock()
		rw.w = filter(rw.w)
		s.errFilter = rw.w
		rw.mu.Unlock()
		return
	}
	s.ErrOut = filter(s.ErrOut)
	s.errFilter = s.ErrOut
}

// flushFilter writes out what the stderr filter held back.
func (s *IOStreams) flushFilter() error {
	if f, ok := s.errFilter.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}
