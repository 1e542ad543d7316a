package logs

import "github.com/coreclaw/coreclaw/internal/api"

// tracker finds the entries of each log reply that were not printed
// before. The API returns only a window of recent entries (REFERENCE
// §7.3), which slides as the run logs more, so the same line comes back in
// several replies, at a different position each time.
//
// Each reply is aligned with the previous one: the longest run of entries
// that ends the previous reply and starts this one is the overlap, and
// what follows it is new. Entries compare by (timestamp, group, type,
// content), and by position within the reply, so a line the run really
// logged twice is printed twice. When nothing overlaps, the window has
// moved past everything seen (lines in between were never shown: gap), or
// the server reordered it; then only entries absent from the previous
// reply are new.
type tracker struct {
	prev []string // keys of the previous reply, in order
	seen bool     // a reply has been read
}

// next returns the new entries of a reply and whether lines may have been
// missed since the previous one.
func (t *tracker) next(list []api.LogEntry) (fresh []api.LogEntry, gap bool) {
	keys := make([]string, len(list))
	for i, e := range list {
		keys[i] = e.Key()
	}
	defer func() { t.prev, t.seen = keys, true }()
	if !t.seen || len(t.prev) == 0 {
		return list, false
	}
	if k := overlap(t.prev, keys); k > 0 {
		return list[k:], false
	}
	inPrev := make(map[string]bool, len(t.prev))
	for _, k := range t.prev {
		inPrev[k] = true
	}
	for i, e := range list {
		if !inPrev[keys[i]] {
			fresh = append(fresh, e)
		}
	}
	return fresh, len(list) > 0 && len(fresh) == len(list)
}

// overlap is the largest k such that the last k keys of prev are the first
// k keys of cur.
func overlap(prev, cur []string) int {
	k := len(prev)
	if len(cur) < k {
		k = len(cur)
	}
	for ; k > 0; k-- {
		if equal(prev[len(prev)-k:], cur[:k]) {
			return k
		}
	}
	return 0
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
