package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/atomicfile"
)

// DefaultTTL is how long a cached schema is used without asking the API
// again: long enough for a burst of runs, short enough that a changed
// schema shows up soon.
const DefaultTTL = 10 * time.Minute

// Cache keeps input schemas on disk for a short while, one file per base
// URL and Worker. The file's modification time is the moment it was
// fetched. It is best effort: an entry that cannot be read or does not
// fit is ignored, and a failed write is forgotten.
type Cache struct {
	Dir string
	TTL time.Duration
	Now func() time.Time
}

// EnvCacheDir overrides where coreclaw keeps cached data.
const EnvCacheDir = "CORECLAW_CACHE_DIR"

// UserCache is the schema cache: `$CORECLAW_CACHE_DIR/input-schemas`, else
// `<user cache dir>/coreclaw/input-schemas`; nil when there is neither.
// The environment is read through lookup (the factory's), never directly,
// so that tests and embedders decide where it goes.
func UserCache(lookup func(string) (string, bool), now func() time.Time) *Cache {
	if dir, ok := lookup(EnvCacheDir); ok && dir != "" {
		return &Cache{Dir: filepath.Join(dir, "input-schemas"), TTL: DefaultTTL, Now: now}
	}
	base := userCacheDir(runtime.GOOS, lookup)
	if base == "" {
		return nil
	}
	return &Cache{Dir: filepath.Join(base, "coreclaw", "input-schemas"), TTL: DefaultTTL, Now: now}
}

// userCacheDir is os.UserCacheDir with the environment read through
// lookup; "" when it cannot be told.
func userCacheDir(goos string, lookup func(string) (string, bool)) string {
	get := func(k string) string { v, _ := lookup(k); return v }
	absolute := func(p string) string {
		if p == "" || !filepath.IsAbs(p) {
			return ""
		}
		return p
	}
	switch goos {
	case "windows":
		return absolute(get("LocalAppData"))
	case "darwin", "ios":
		if home := absolute(get("HOME")); home != "" {
			return filepath.Join(home, "Library", "Caches")
		}
		return ""
	case "plan9":
		if home := absolute(get("home")); home != "" {
			return filepath.Join(home, "lib", "cache")
		}
		return ""
	}
	if dir := absolute(get("XDG_CACHE_HOME")); dir != "" {
		return dir
	}
	if home := absolute(get("HOME")); home != "" {
		return filepath.Join(home, ".cache")
	}
	return ""
}

// cacheEntry is the file's content; base URL and Worker are repeated so
// that an entry is never used for another pair.
type cacheEntry struct {
	BaseURL     string          `json:"base_url"`
	Worker      string          `json:"worker"`
	InputSchema json.RawMessage `json:"input_schema"`
}

func (c *Cache) path(baseURL string, worker api.WorkerID) string {
	sum := sha256.Sum256([]byte(baseURL + "\n" + string(worker)))
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:16])+".json")
}

// Get returns a fresh entry, if there is one.
func (c *Cache) Get(baseURL string, worker api.WorkerID) (json.RawMessage, bool) {
	if c == nil {
		return nil, false
	}
	p := c.path(baseURL, worker)
	info, err := os.Stat(p)
	if err != nil || !info.Mode().IsRegular() {
		return nil, false
	}
	if age := c.Now().Sub(info.ModTime()); age < 0 || age >= c.TTL {
		return nil, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || e.BaseURL != baseURL || e.Worker != string(worker) {
		return nil, false
	}
	if raw := bytes.TrimSpace(e.InputSchema); len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	return e.InputSchema, true
}

// Put stores a schema, atomically: a reader sees the old entry or the new
// one, never half of one.
func (c *Cache) Put(baseURL string, worker api.WorkerID, schema json.RawMessage) error {
	if c == nil {
		return nil
	}
	data, err := json.Marshal(cacheEntry{BaseURL: baseURL, Worker: string(worker), InputSchema: schema})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	p := c.path(baseURL, worker)
	if err := atomicfile.WriteFile(p, data, 0o600); err != nil {
		return err
	}
	// The entry's age is measured with the same clock that reads it.
	now := c.Now()
	return os.Chtimes(p, now, now)
}
