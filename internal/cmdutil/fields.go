package cmdutil

import "strings"

// ParseFields checks a --fields list (result keys, comma-separated or
// repeated): no empty name, none twice.
func ParseFields(list []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range list {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, UsageErrorf("--fields has an empty name")
		}
		if seen[f] {
			return nil, UsageErrorf("--fields names %q twice", f)
		}
		seen[f] = true
		out = append(out, f)
	}
	return out, nil
}
