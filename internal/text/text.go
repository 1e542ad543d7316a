// Package text formats what coreclaw shows people: counts, sizes, times,
// the kind of a JSON value, and the "did you mean" of a mistyped name. It
// is the one home of these helpers; it knows nothing of commands or the
// API.
package text

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Plural is "1 result", "0 results", "3 results".
func Plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.FormatInt(n, 10) + " " + word + "s"
}

// ByteCount is a size in bytes: "512 bytes" below 1 KiB, else one decimal
// in IEC units ("1.1 KiB", "3.0 MiB").
func ByteCount(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Timestamp is Unix seconds as RFC 3339 in UTC; "" for 0 or less (the API's
// "not yet"). Each view chooses its own empty marker (OrDash).
func Timestamp(secs int64) string {
	if secs <= 0 {
		return ""
	}
	return time.Unix(secs, 0).UTC().Format(time.RFC3339)
}

// OrDash is s, or "-" when s is empty: the empty marker of field/value
// views (a table cell or a CSV field stays empty instead).
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// JSONKind names the kind of a JSON value for a message: "an object",
// "an array", "a string", "a number", "a boolean", "null", "empty", or
// "not JSON".
func JSONKind(raw []byte) string {
	b := bytes.TrimSpace(raw)
	switch {
	case len(b) == 0:
		return "empty"
	case b[0] == '{':
		return "an object"
	case b[0] == '[':
		return "an array"
	case b[0] == '"':
		return "a string"
	case string(b) == "null":
		return "null"
	case string(b) == "true" || string(b) == "false":
		return "a boolean"
	case b[0] == '-' || '0' <= b[0] && b[0] <= '9':
		return "a number"
	}
	return "not JSON"
}

// EditDistance is the Levenshtein distance between a and b, in runes.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// typoDistance is how many edits away a name may be and still be a typo.
const typoDistance = 2

// Near reports whether typed is probably a typo of name: at most two
// edits apart, ignoring case, or (prefix) the start of it, two or more
// characters long.
func Near(typed, name string, prefix bool) bool {
	return distance(typed, name, prefix) <= typoDistance
}

func distance(typed, name string, prefix bool) int {
	typed, name = strings.ToLower(typed), strings.ToLower(name)
	d := EditDistance(typed, name)
	if prefix && len(typed) >= 2 && strings.HasPrefix(name, typed) {
		d = min(d, 1)
	}
	return d
}

// Nearest is the candidate typed is most probably a typo of (see Near),
// or "" when none is near enough. Of equally near candidates the first
// wins.
func Nearest(typed string, candidates []string, prefix bool) string {
	best, bestDist := "", typoDistance+1
	for _, c := range candidates {
		if d := distance(typed, c, prefix); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean is `; did you mean "a" or "b"?` for a list of suggestions,
// and "" for none.
func DidYouMean(suggestions []string) string {
	if len(suggestions) == 0 {
		return ""
	}
	q := make([]string, len(suggestions))
	for i, s := range suggestions {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return "; did you mean " + q[0] + "?"
	}
	return "; did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}
