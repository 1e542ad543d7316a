package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Int64 decodes a JSON number, a numeric string or null into an int64,
// without going through float64 (task ids exceed 2^53).
type Int64 int64

func (n *Int64) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = Int64(v)
		return nil
	}
	// A number with a fraction or an exponent (12.0, 1.5e3) whose value is
	// whole. Not through float64, which would round ids beyond 2^53.
	if v, ok := wholeNumber(s); ok {
		*n = Int64(v)
		return nil
	}
	return fmt.Errorf("cannot read %s as an integer", truncate(s, 40))
}

// wholeNumber reads a JSON number written with a fraction or an exponent
// exactly, when its value is an integer that fits an int64.
func wholeNumber(s string) (int64, bool) {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e := s[i+1:]
		if e != "" && (e[0] == '+' || e[0] == '-') {
			e = e[1:]
		}
		// An int64 has 19 digits: a larger exponent cannot give one
		// (and must not make us build a huge number).
		if e == "" || len(e) > 3 || !isDigits(e) {
			return 0, false
		}
		exp, _ = strconv.Atoi(s[i+1:])
		mant = s[:i]
	}
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" || !isDigits(whole) || (frac != "" && !isDigits(frac)) {
		return 0, false
	}
	digits := whole + frac
	exp -= len(frac)
	switch {
	case exp < -len(digits):
		if strings.Trim(digits, "0") != "" {
			return 0, false
		}
		digits = "0"
	case exp < 0:
		if strings.Trim(digits[len(digits)+exp:], "0") != "" {
			return 0, false
		}
		digits = digits[:len(digits)+exp]
	default:
		if exp > 19 {
			if strings.Trim(digits, "0") != "" {
				return 0, false
			}
			exp = 0
		}
		digits += strings.Repeat("0", exp)
	}
	if digits == "" {
		digits = "0"
	}
	v, err := strconv.ParseInt(sign+digits, 10, 64)
	return v, err == nil
}

// Text decodes a JSON string, number or boolean (or null) into a string,
// keeping numbers exactly as the server wrote them ("usage": 1.00 or "1.00").
type Text string

func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case b[0] == '{' || b[0] == '[':
		*t = Text(b)
	default:
		*t = Text(b)
	}
	return nil
}

// Run is a run record: run detail, a /last reply and each element of the
// run list (REFERENCE §7.1). Every field is optional on the wire.
type Run struct {
	Slug         string `json:"slug"`
	ScraperSlug  string `json:"scraper_slug"`
	ScraperTitle string `json:"scraper_title"`
	Version      string `json:"version"`
	Status       Status `json:"status"`
	Results      Int64  `json:"results"`
	Usage        Text   `json:"usage"`
	Traffic      Int64  `json:"traffic"`
	Origin       string `json:"origin"`
	StartedAt    Int64  `json:"started_at"`
	FinishedAt   Int64  `json:"finished_at"`
	Duration     Int64  `json:"duration"`
	ErrMsg       string `json:"err_msg"`
}

// Elapsed is how long the run took (or has taken): its duration, else the
// span between started_at and finished_at; 0 when neither is known.
func (r *Run) Elapsed() time.Duration {
	secs := int64(r.Duration)
	if secs == 0 && r.StartedAt > 0 && r.FinishedAt > r.StartedAt {
		secs = int64(r.FinishedAt - r.StartedAt)
	}
	if secs < 0 {
		secs = 0
	}
	return time.Duration(secs) * time.Second
}

// Header is one column of a result page.
type Header struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"`
}

// ResultPage is one page of result rows (REFERENCE §7.2). Rows are kept as
// raw JSON so that key order and number formatting survive untouched.
type ResultPage struct {
	Count     Int64             `json:"count"`
	Headers   []Header          `json:"headers"`
	List      []json.RawMessage `json:"list"`
	PageIndex *Int64            `json:"page_index,omitempty"`
	PageSize  *Int64            `json:"page_size,omitempty"`

	countSent bool // count was in the reply (see UnmarshalJSON)
}

// StartedRun is the reply to a run-creating request. An asynchronous start
// fills only RunSlug; a synchronous one (REFERENCE §9) may fill the rest.
type StartedRun struct {
	RunSlug         string      `json:"run_slug"`
	RunStatus       Status      `json:"run_status,omitempty"`
	ErrorMessage    string      `json:"error_message,omitempty"`
	ExecutionStart  Int64       `json:"execution_start_timestamp,omitempty"`
	ExecutionEnd    Int64       `json:"execution_end_timestamp,omitempty"`
	RunningDuration Int64       `json:"running_duration,omitempty"`
	ResultMessage   string      `json:"result_message,omitempty"`
	IsFinished      *bool       `json:"is_finished,omitempty"`
	Results         *ResultPage `json:"results,omitempty"`
	// Unread lists the fields of the reply that could not be read, as
	// name=value; they were left at their zero value (decodeStarted).
	Unread []string `json:"-"`
}

// Finished reports whether a synchronous reply says the run has ended. An
// empty status or is_finished:false means it has not (REFERENCE §9).
func (s *StartedRun) Finished() bool {
	if s.IsFinished != nil && !*s.IsFinished {
		return false
	}
	return s.RunStatus.Terminal()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
