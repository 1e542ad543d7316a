package build

import (
	"regexp"
	"strings"
	"testing"
)

// pseudoVersion reads pseudo-versions by hand; it must accept exactly what
// the pattern of the module reference accepts.
func TestPseudoVersionMatchesPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-(?:.*[.-])?([0-9]{14})-([0-9a-f]{12})$`)
	for _, v := range []string{
		"v0.0.0-20261201003600-0b77ee0a1b2c", "v0.0.0-20261201003600-0b77ee0a1b2c+dirty",
		"v1.4.1-0.20261201003600-0b77ee0a1b2c", "v1.5.0-rc.1.0.20261201003600-0b77ee0a1b2c",
		"v1.5.0-rc.1", "v1.5.0", "1.4.1-0.20261201003600-0b77ee0a1b2c", "v1.4-0.20261201003600-0b77ee0a1b2c",
		"v1.4.1-x20261201003600-0b77ee0a1b2c", "v1.4.1-0.2026120100360-0b77ee0a1b2c", "v1.4.1-0.20261201003600-0B77EE0A1B2C",
		"v1.4.1-0.20261201003600_0b77ee0a1b2c", "v1.4.1-a\nb.20261201003600-0b77ee0a1b2c", "v.1.1-20261201003600-0b77ee0a1b2c",
		"v1.4.1-20261301003600-0b77ee0a1b2c", "v1.4.1--20261201003600-0b77ee0a1b2c", "", "v", "v1.2.3-",
	} {
		cut, _, _ := strings.Cut(v, "+")
		m := pattern.FindStringSubmatch(cut)
		when, rev, ok := pseudoVersion(v)
		if m == nil {
			if ok {
				t.Errorf("%q: read as %s %s, but the pattern refuses it", v, when, rev)
			}
			continue
		}
		// The pattern accepts an impossible date (month 13), which
		// pseudoVersion then refuses.
		if !ok && !strings.Contains(v, "20261301") {
			t.Errorf("%q: refused, but the pattern accepts it", v)
		}
		if ok && rev != m[2] {
			t.Errorf("%q: revision %s, want %s", v, rev, m[2])
		}
	}
}
